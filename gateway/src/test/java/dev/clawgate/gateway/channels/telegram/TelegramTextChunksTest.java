package dev.clawgate.gateway.channels.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Splitting texts for Telegram's length limit. */
class TelegramTextChunksTest {
  @Test
  void aShortTextIsOnePartAndABlankTextNone() {
    assertThat(TextChunks.split("hello", 10)).containsExactly("hello");
    assertThat(TextChunks.split("0123456789", 10)).containsExactly("0123456789");
    assertThat(TextChunks.split(" \n ", 10)).isEmpty();
  }

  @Test
  void aParagraphBreakIsPreferredOverALineBreakOverASpace() {
    assertThat(TextChunks.split("aaaaaa bb\ncc\n\ndd", 14)).containsExactly("aaaaaa bb\ncc", "dd");
    assertThat(TextChunks.split("aaaaaa bb\ncc dd", 14)).containsExactly("aaaaaa bb", "cc dd");
    assertThat(TextChunks.split("aaaaaa bbbb cc", 12)).containsExactly("aaaaaa bbbb", "cc");
  }

  @Test
  void aBreakThatWouldLeaveATinyPartIsIgnored() {
    // The only space is at 1: cutting there would send "a" alone.
    assertThat(TextChunks.split("a bbbbbbbbbbbbbbbbbbb", 10))
        .containsExactly("a bbbbbbbb", "bbbbbbbbbb", "b");
  }

  @Test
  void withoutBreaksTheTextIsCutAtTheLimitButNeverInsideASurrogatePair() {
    String smile = "\uD83D\uDE00";

    assertThat(TextChunks.split("abcdefghij", 4)).containsExactly("abcd", "efgh", "ij");
    assertThat(TextChunks.split("abc" + smile + "def", 4))
        .containsExactly("abc", smile + "de", "f");
    assertThat(TextChunks.split(smile + smile, 1)).containsExactly(smile, smile);
    List<String> parts = TextChunks.split((smile + "x").repeat(3000), 4096);
    assertThat(parts).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(4096));
    assertThat(parts)
        .allSatisfy(p -> assertThat(Character.isHighSurrogate(p.charAt(p.length() - 1))).isFalse());
    assertThat(String.join("", parts)).isEqualTo((smile + "x").repeat(3000));
  }
}
