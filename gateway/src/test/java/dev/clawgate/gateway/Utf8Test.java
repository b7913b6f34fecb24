package dev.clawgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class Utf8Test {
  @Test
  void lengthMatchesTheEncoder() {
    for (String text : List.of("", "abc", "é", "日本語", "😀x", "a\u0800b")) {
      assertThat(Utf8.length(text))
          .as(text)
          .isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  @Test
  void truncationKeepsWholeCodePoints() {
    String reason = "é".repeat(100);
    String cut = Utf8.closeReason(reason);
    assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
    assertThat(cut).isEqualTo("é".repeat(61));
    assertThat(Utf8.truncate("😀😀", 5)).isEqualTo("😀");
  }
}
