package dev.clawgate.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TextFormatTest {
  /** The characters the format treats specially, and some it does not. */
  private static final String ALPHABET = "\\\"\n\r\t{}=, #abcXYZ09_-.éß€😀\u0000\u2028";

  static LongStream seeds() {
    return LongStream.range(0, 200);
  }

  private static String randomText(Random random) {
    int length = random.nextInt(24);
    StringBuilder text = new StringBuilder();
    while (text.length() < length) {
      int start = random.nextInt(ALPHABET.length());
      // Whole code points only: the emoji is a surrogate pair.
      int cp = ALPHABET.codePointAt(start);
      if (Character.isLowSurrogate(ALPHABET.charAt(start))) {
        continue;
      }
      text.appendCodePoint(cp);
    }
    return text.toString();
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void anyLabelValueAndHelpSurviveTheRoundTrip(long seed) {
    Random random = new Random(seed);
    String first = randomText(random);
    String second = randomText(random);
    String help = randomText(random);
    Counter counter =
        new Counter(
            "test_total",
            help,
            List.of(BoundedLabel.of("a", first), BoundedLabel.of("b", second, first)));
    counter.inc(first, second);
    counter.inc(first, first);
    StringBuilder out = new StringBuilder();
    counter.write(out);

    Map<String, Exposition.Family> families = Exposition.parse(out.toString());
    Exposition.Family family = families.get("test_total");
    assertThat(family).isNotNull();
    assertThat(family.help).isEqualTo(help);
    Set<Map<String, String>> expected =
        new HashSet<>(List.of(Map.of("a", first, "b", second), Map.of("a", first, "b", first)));
    assertThat(family.samples)
        .extracting(Exposition.Sample::labels)
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(family.samples.stream().mapToDouble(Exposition.Sample::number).sum()).isEqualTo(2);
    // Each line ends in the one \n (the split leaves "" after the last): no raw newline leaks.
    assertThat(out.toString().split("\n", -1)).hasSize(3 + family.samples.size());
  }

  @Test
  void escapesBackslashQuoteAndNewlineInLabelValues() {
    StringBuilder out = new StringBuilder();
    TextFormat.escapeLabelValue(out, "a\"b\nc\\d");
    assertThat(out).hasToString("a\\\"b\\nc\\\\d");
  }

  @Test
  void escapesBackslashAndNewlineInHelp() {
    StringBuilder out = new StringBuilder();
    TextFormat.escapeHelp(out, "say \"hi\"\\\nnow");
    assertThat(out).hasToString("say \"hi\"\\\\\\nnow");
  }

  @Test
  void numbersAreWrittenAsPrometheusReadsThem() {
    assertThat(TextFormat.number(1)).isEqualTo("1");
    assertThat(TextFormat.number(0)).isEqualTo("0");
    assertThat(TextFormat.number(2.5)).isEqualTo("2.5");
    assertThat(TextFormat.number(0.005)).isEqualTo("0.005");
    assertThat(TextFormat.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    assertThat(TextFormat.number(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
    assertThat(TextFormat.number(Double.NaN)).isEqualTo("NaN");
    assertThat(Double.parseDouble(TextFormat.number(1.5e-7))).isEqualTo(1.5e-7);
  }

  @Test
  void namesAreChecked() {
    assertThatThrownBy(() -> TextFormat.checkMetricName("1abc"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TextFormat.checkMetricName("a-b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TextFormat.checkLabelName("__reserved"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TextFormat.checkLabelName("a:b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(TextFormat.checkMetricName("clawgate:x_total")).isEqualTo("clawgate:x_total");
  }

  @Test
  void familiesRefuseWhatTheFormatCannotSay() {
    assertThatThrownBy(() -> new Counter("requests", "help", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Histogram("h", "help", List.of(BoundedLabel.of("le", "1")), 1.0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Histogram("h", "help", List.of(), 1.0, 1.0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Histogram("h", "help", List.of(), 1.0, Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() ->
            new Counter(
                "c_total", "help", List.of(BoundedLabel.of("x", "1"), BoundedLabel.of("x", "2"))))
        .isInstanceOf(IllegalArgumentException.class);
    MetricsRegistry registry = new MetricsRegistry();
    registry.register(new Histogram("h", "help", List.of(), 1.0));
    assertThatThrownBy(() -> registry.register(new Gauge("h_count", "help")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
