package dev.clawgate.core.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/** PKCE S256 (RFC 7636). */
class PkceTest {
  /** RFC 7636 Appendix B. */
  private static final String RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

  private static final String RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

  /** The 32 random octets of RFC 7636 Appendix B that the verifier encodes. */
  private static final int[] RFC_OCTETS = {
    116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77,
    105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121
  };

  @Test
  void theRfcVerifierIsTheBase64UrlOfTheRfcOctets() {
    byte[] raw = new byte[RFC_OCTETS.length];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (byte) RFC_OCTETS[i];
    }

    assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(raw)).isEqualTo(RFC_VERIFIER);
  }

  @Test
  void theS256ChallengeOfTheRfcVerifierIsTheRfcChallenge() {
    assertThat(Pkce.s256(RFC_VERIFIER)).isEqualTo(RFC_CHALLENGE);
  }

  @Test
  void theRfcVerifierVerifiesTheRfcChallenge() {
    assertThat(Pkce.verifies(RFC_VERIFIER, RFC_CHALLENGE)).isTrue();
  }

  @Test
  void anotherVerifierDoesNotVerifyTheRfcChallenge() {
    String other = RFC_VERIFIER.substring(0, RFC_VERIFIER.length() - 1) + "Y";

    assertThat(Pkce.verifies(other, RFC_CHALLENGE)).isFalse();
  }

  @Test
  void thePlainMethodIsNotAccepted() {
    assertThat(Pkce.verifies(RFC_VERIFIER, RFC_VERIFIER)).isFalse();
  }

  @Test
  void aChallengeIsFortyThreeBase64UrlCharacters() {
    assertThat(Pkce.isChallenge(RFC_CHALLENGE)).isTrue();
    assertThat(Pkce.isChallenge(RFC_CHALLENGE + "A")).isFalse();
    assertThat(Pkce.isChallenge(RFC_CHALLENGE.substring(1))).isFalse();
    assertThat(Pkce.isChallenge(RFC_CHALLENGE.replace('-', '+'))).isFalse();
  }

  @Test
  void aVerifierIsFortyThreeToOneHundredTwentyEightUnreservedCharacters() {
    assertThat(Pkce.isVerifier(RFC_VERIFIER)).isTrue();
    assertThat(Pkce.isVerifier("a".repeat(42))).isFalse();
    assertThat(Pkce.isVerifier("a".repeat(43))).isTrue();
    assertThat(Pkce.isVerifier("a.b_c~d-".repeat(16))).isTrue();
    assertThat(Pkce.isVerifier("a".repeat(129))).isFalse();
    assertThat(Pkce.isVerifier("a".repeat(42) + "/")).isFalse();
  }
}
