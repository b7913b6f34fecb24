package dev.clawgate.mcp.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.Json;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The text form of results: JavaScript's {@code JSON.stringify(value, null, 2)}, character for
 * character.
 */
class ResultTextTest {

  static Stream<Arguments> strings() {
    return Stream.of(
        Arguments.of("plain", "\"plain\""),
        Arguments.of("say \"hi\"", "\"say \\\"hi\\\"\""),
        Arguments.of("back\\slash", "\"back\\\\slash\""),
        Arguments.of("a\nb\tc\rd\be\ff", "\"a\\nb\\tc\\rd\\be\\ff\""),
        Arguments.of("\u0001\u001f", "\"\\u0001\\u001f\""),
        Arguments.of("caf\u00e9 \u2026 \ud83d\ude00", "\"caf\u00e9 \u2026 \ud83d\ude00\""),
        Arguments.of("lone \ud83d end", "\"lone \\ud83d end\""),
        Arguments.of("lone \ude00 end", "\"lone \\ude00 end\""),
        Arguments.of("</script> / \u2028", "\"</script> / \u2028\""));
  }

  @ParameterizedTest
  @MethodSource("strings")
  void stringsAreQuotedAsJsonStringifyQuotesThem(String value, String expected) {
    StringBuilder out = new StringBuilder();
    ResultText.quote(value, out);
    assertThat(out.toString()).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 7, 42, 20261125})
  void anyTreeReadsBackAsTheSameValue(long seed) {
    Random random = new Random(seed);
    JsonNode tree = randomObject(random, 0);
    String text = ResultText.stringify(tree);
    assertThat(Json.mapper().readTree(text)).isEqualTo(tree);
  }

  @org.junit.jupiter.api.Test
  void layoutIsTwoSpacesWithColonSpaceAndEmptyContainersInline() {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("a", 1).putArray("b").add(true).addNull();
    node.putObject("c");
    node.putArray("d");
    assertThat(ResultText.stringify(node))
        .isEqualTo(
            "{\n  \"a\": 1,\n  \"b\": [\n    true,\n    null\n  ],\n  \"c\": {},\n  \"d\": []\n}");
  }

  private static ObjectNode randomObject(Random random, int depth) {
    ObjectNode node = Json.mapper().createObjectNode();
    int fields = random.nextInt(6);
    for (int i = 0; i < fields; i++) {
      String key = randomString(random);
      switch (depth < 3 ? random.nextInt(6) : random.nextInt(4)) {
        case 0 -> node.put(key, randomString(random));
        case 1 -> node.put(key, random.nextLong());
        case 2 -> node.put(key, random.nextBoolean());
        case 3 -> node.putNull(key);
        case 4 -> node.set(key, randomObject(random, depth + 1));
        default -> {
          var array = node.putArray(key);
          for (int j = random.nextInt(4); j > 0; j--) {
            if (random.nextBoolean()) {
              array.add(randomString(random));
            } else {
              array.add(randomObject(random, depth + 1));
            }
          }
        }
      }
    }
    return node;
  }

  private static String randomString(Random random) {
    StringBuilder s = new StringBuilder();
    for (int i = random.nextInt(12); i > 0; i--) {
      int pick = random.nextInt(10);
      s.append(
          switch (pick) {
            case 0 -> (char) random.nextInt(0x20);
            case 1 -> '"';
            case 2 -> '\\';
            case 3 -> "\ud83d\ude00";
            case 4 -> '\u00e9';
            default -> (char) ('a' + random.nextInt(26));
          });
    }
    return s.toString();
  }
}
