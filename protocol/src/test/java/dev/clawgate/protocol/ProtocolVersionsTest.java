package dev.clawgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Negotiation picks the highest version in both ranges (clawgate speaks 3 and 4). */
class ProtocolVersionsTest {

  @ParameterizedTest(name = "{0}..{1} -> {2}")
  @CsvSource({"3, 4, 4", "4, 4, 4", "3, 3, 3", "1, 9, 4", "1, 3, 3", "4, 9, 4"})
  void negotiatesTheHighestCommonVersion(int min, int max, int expected) {
    assertThat(ProtocolVersions.negotiate(min, max)).hasValue(expected);
  }

  @ParameterizedTest(name = "{0}..{1} -> none")
  @CsvSource({"1, 2, ", "5, 9, ", "4, 3, "})
  void rangesWithoutACommonVersionNegotiateNothing(int min, int max) {
    assertThat(ProtocolVersions.negotiate(min, max)).isEmpty();
  }
}
