package dev.clawgate.mcp.server;

import static dev.clawgate.mcp.server.TestTools.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class InputValidatorTest {
  /** The shapes the conversation tools publish. */
  private static final InputValidator VALIDATOR =
      InputValidator.of(
          json(
              """
              {"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
               "additionalProperties":false,
               "properties":{
                 "session_key":{"type":"string","minLength":1,"description":"the conversation"},
                 "limit":{"type":"integer","minimum":1,"maximum":500},
                 "ratio":{"type":"number","minimum":0.5},
                 "text":{"type":"string","minLength":2,"maxLength":5},
                 "decision":{"type":"string","enum":["allow-once","allow-always","deny"]},
                 "includeLastMessage":{"type":"boolean"}},
               "required":["session_key"]}\
              """));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"session_key\":\"agent:main:main\"}",
        "{\"session_key\":\"k\",\"limit\":1,\"ratio\":0.5,\"text\":\"ab\",\"decision\":\"deny\"}",
        "{\"session_key\":\"k\",\"limit\":500,\"includeLastMessage\":false}",
        "{\"session_key\":\"k\",\"limit\":5.0,\"ratio\":7}",
        "{\"session_key\":\"k\",\"text\":\"\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\"}",
      })
  void acceptsValidArguments(String arguments) {
    assertThat(VALIDATOR.check(json(arguments))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{}|\"session_key\" is required",
        "{\"session_key\":\"\"}|\"session_key\" must not be empty",
        "{\"session_key\":7}|\"session_key\" must be a string",
        "{\"session_key\":null}|\"session_key\" must be a string",
        "{\"session_key\":\"k\",\"foo\":1}|unknown argument \"foo\"",
        "{\"foo\":1}|unknown argument \"foo\"",
        "{\"session_key\":\"k\",\"limit\":\"5\"}|\"limit\" must be an integer",
        "{\"session_key\":\"k\",\"limit\":1.5}|\"limit\" must be an integer",
        "{\"session_key\":\"k\",\"limit\":0}|\"limit\" must be >= 1",
        "{\"session_key\":\"k\",\"limit\":501}|\"limit\" must be <= 500",
        "{\"session_key\":\"k\",\"limit\":1e30}|\"limit\" must be <= 500",
        "{\"session_key\":\"k\",\"ratio\":true}|\"ratio\" must be a number",
        "{\"session_key\":\"k\",\"ratio\":0.25}|\"ratio\" must be >= 0.5",
        "{\"session_key\":\"k\",\"text\":\"a\"}|\"text\" must be at least 2 characters",
        "{\"session_key\":\"k\",\"text\":\"abcdef\"}|\"text\" must be at most 5 characters",
        "{\"session_key\":\"k\",\"decision\":\"allow\"}|\"decision\" must be one of allow-once, allow-always, deny",
        "{\"session_key\":\"k\",\"includeLastMessage\":\"true\"}|\"includeLastMessage\" must be a boolean",
      })
  void reportsTheFirstProblemNamingTheArgument(String arguments, String problem) {
    assertThat(VALIDATOR.check(json(arguments))).contains(problem);
  }

  @Test
  void anOpenSchemaAcceptsUnknownArguments() {
    InputValidator open =
        InputValidator.of(
            json("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}}}"));

    assertThat(open.check(json("{\"b\":\"anything\"}"))).isEmpty();
    assertThat(open.check(json("{\"a\":\"x\"}"))).contains("\"a\" must be an integer");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"type\":\"array\"}|the input schema must have type object",
        "{\"type\":\"object\",\"oneOf\":[]}|the input schema uses unsupported keyword oneOf",
        "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\"}}}|property \"a\" must have type string, integer, number or boolean",
        "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\",\"minLength\":1}}}|property \"a\" uses unsupported keyword minLength",
        "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"enum\":[1]}}}|property \"a\": enum must list strings",
        "{\"type\":\"object\",\"additionalProperties\":{}}|additionalProperties must be a boolean",
      })
  void refusesSchemasItCannotEnforce(String schema, String message) {
    assertThatThrownBy(() -> InputValidator.of(json(schema)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
