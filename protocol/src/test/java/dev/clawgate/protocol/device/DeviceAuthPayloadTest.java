package dev.clawgate.protocol.device;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.AuthParams;
import dev.clawgate.protocol.ClientInfo;
import dev.clawgate.protocol.ConnectParams;
import dev.clawgate.protocol.Role;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The signed strings, byte for byte. Expected values are the reference implementation's own test
 * vectors ({@code src/gateway/device-auth.test.ts}).
 */
class DeviceAuthPayloadTest {

  @Test
  void v2MatchesTheReferenceVector() {
    String payload =
        DeviceAuthPayload.v2(
            "dev-1",
            "openclaw-macos",
            "ui",
            "operator",
            List.of("operator.admin", "operator.read"),
            1_700_000_000_000L,
            "",
            "nonce-abc");

    assertThat(payload)
        .isEqualTo(
            "v2|dev-1|openclaw-macos|ui|operator|operator.admin,operator.read|1700000000000||nonce-abc");
  }

  @Test
  void v3MatchesTheReferenceVector() {
    String payload =
        DeviceAuthPayload.v3(
            "dev-1",
            "openclaw-macos",
            "ui",
            "operator",
            List.of("operator.admin", "operator.read"),
            1_700_000_000_000L,
            "tok-123",
            "nonce-abc",
            "  IOS  ",
            "  iPhone  ");

    assertThat(payload)
        .isEqualTo(
            "v3|dev-1|openclaw-macos|ui|operator|operator.admin,operator.read|1700000000000"
                + "|tok-123|nonce-abc|ios|iphone");
  }

  @Test
  void v3KeepsEmptyMetadataSlots() {
    String payload =
        DeviceAuthPayload.v3(
            "dev-2",
            "openclaw-ios",
            "ui",
            "operator",
            List.of("operator.read"),
            1_700_000_000_001L,
            "",
            "nonce-def",
            "",
            "");

    assertThat(payload)
        .isEqualTo("v3|dev-2|openclaw-ios|ui|operator|operator.read|1700000000001||nonce-def||");
  }

  @ParameterizedTest(name = "[{0}] -> [{1}]")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "\"  İOS  \"|İos",
        "\"  MAC  \"|mac",
        "Linux|linux",
        "\"Mac  OS\"|\"mac  os\"",
        "ÀRM64|Àrm64",
        "\"\"|\"\"",
        "\"   \"|\"\""
      })
  void metadataIsTrimmedAndAsciiLowercasedOnly(String input, String expected) {
    assertThat(DeviceAuthPayload.normalizeMetadata(input)).isEqualTo(expected);
  }

  @Test
  void metadataTrimFollowsJavaScriptTrim() {
    // String.prototype.trim removes these; String.strip() does not.
    assertThat(DeviceAuthPayload.normalizeMetadata("\u00a0Linux\u202f")).isEqualTo("linux");
    assertThat(DeviceAuthPayload.normalizeMetadata("\ufeffLinux\u2007")).isEqualTo("linux");
    assertThat(DeviceAuthPayload.normalizeMetadata("\t\r\n\u000bLinux\f\u2028\u3000"))
        .isEqualTo("linux");
    // String.strip() removes these; String.prototype.trim does not.
    assertThat(DeviceAuthPayload.normalizeMetadata("\u001fLinux\u001c"))
        .isEqualTo("\u001flinux\u001c");
    assertThat(DeviceAuthPayload.normalizeMetadata("\u200bLinux")).isEqualTo("\u200blinux");
  }

  @Test
  void connectPayloadSignsTheSignatureTokenAndTheScopesInTheOrderSent() {
    ConnectParams params =
        new ConnectParams(
            4,
            4,
            new ClientInfo(
                "cli",
                Optional.empty(),
                "1.0",
                " Linux ",
                Optional.of("PC"),
                Optional.empty(),
                "cli",
                Optional.empty()),
            List.of(),
            List.of(),
            Map.of(),
            Optional.empty(),
            Role.OPERATOR,
            List.of("operator.write", "operator.read"),
            AuthParams.none().withPassword("pw").withDeviceToken("dtok"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());

    assertThat(DeviceAuthPayload.v3(params, "id", 5, "n"))
        .isEqualTo("v3|id|cli|cli|operator|operator.write,operator.read|5|dtok|n|linux|pc");
    assertThat(DeviceAuthPayload.v2(params, "id", 5, "n"))
        .isEqualTo("v2|id|cli|cli|operator|operator.write,operator.read|5|dtok|n");
  }
}
