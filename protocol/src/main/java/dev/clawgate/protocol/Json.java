package dev.clawgate.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON mappers of clawgate. One strict mapper for the wire (duplicate keys rejected, nesting
 * bounded) and one lenient mapper for hand-edited files (comments, trailing commas, single quotes
 * and unquoted keys: the JSON5 subset people actually write).
 */
public final class Json {
  /** Deeper documents are rejected: no legitimate frame or config nests this far. */
  public static final int MAX_NESTING_DEPTH = 64;

  private static final JsonMapper STRICT = build(false);
  private static final JsonMapper LENIENT = build(true);

  private Json() {}

  /** The wire mapper. Thread-safe and shared. */
  public static JsonMapper mapper() {
    return STRICT;
  }

  /** The mapper for hand-written files such as {@code clawgate.json}. */
  public static JsonMapper lenientMapper() {
    return LENIENT;
  }

  private static JsonMapper build(boolean lenient) {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    JsonMapper.Builder builder =
        JsonMapper.builder(factory)
            .changeDefaultPropertyInclusion(
                incl -> incl.withValueInclusion(JsonInclude.Include.NON_ABSENT))
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    if (lenient) {
      builder.enable(
          tools.jackson.core.json.JsonReadFeature.ALLOW_JAVA_COMMENTS,
          tools.jackson.core.json.JsonReadFeature.ALLOW_TRAILING_COMMA,
          tools.jackson.core.json.JsonReadFeature.ALLOW_SINGLE_QUOTES,
          tools.jackson.core.json.JsonReadFeature.ALLOW_UNQUOTED_PROPERTY_NAMES,
          tools.jackson.core.json.JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS,
          tools.jackson.core.json.JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS,
          tools.jackson.core.json.JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS,
          tools.jackson.core.json.JsonReadFeature.ALLOW_HEXADECIMAL_NUMBERS);
    }
    return builder.build();
  }
}
