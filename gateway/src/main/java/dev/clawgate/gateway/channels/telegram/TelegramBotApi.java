package dev.clawgate.gateway.channels.telegram;

import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls of the Telegram Bot API: {@code POST <apiBaseUrl>/bot<token>/<method>} with a JSON body,
 * answered {@code {ok:true, result}} or {@code {ok:false, error_code, description, parameters?}}.
 *
 * <p>The token is part of every URL, so no URL is ever logged or put in a message, and failure
 * texts pass through {@link #scrub} before they leave this class.
 */
final class TelegramBotApi {
  private final HttpClient http;
  private final String base;
  private final String token;

  /** What one call returned. */
  sealed interface Answer {
    /** {@code ok: true}. */
    record Ok(JsonNode result) implements Answer {}

    /**
     * {@code ok: false}, or an answer that is not the API's JSON (a proxy's 502 page).
     *
     * @param status the HTTP status
     * @param description Telegram's description (scrubbed), or {@code HTTP <status>}
     * @param retryAfterSeconds {@code parameters.retry_after}, when given
     */
    record Failed(int status, String description, Optional<Long> retryAfterSeconds)
        implements Answer {}
  }

  TelegramBotApi(HttpClient http, URI apiBaseUrl, String token) {
    this.http = http;
    this.base = apiBaseUrl + "/bot" + token + "/";
    this.token = token;
  }

  /**
   * Calls {@code method} with {@code params}.
   *
   * @throws IOException on a network failure; its message is scrubbed and it has no cause (a
   *     cause's message could quote the URL)
   */
  Answer call(String method, ObjectNode params, Duration timeout)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + method))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(params.toString()))
            .build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      String detail = e.getMessage() == null ? "" : ": " + scrub(e.getMessage());
      throw new IOException(e.getClass().getSimpleName() + detail);
    }
    return answer(response.statusCode(), response.body());
  }

  private Answer answer(int status, byte[] body) {
    JsonNode json;
    try {
      json = Json.mapper().readTree(body);
    } catch (JacksonException e) {
      return new Answer.Failed(
          status, "HTTP " + status + " (not a Bot API answer)", Optional.empty());
    }
    if (json == null || !json.isObject()) {
      return new Answer.Failed(
          status, "HTTP " + status + " (not a Bot API answer)", Optional.empty());
    }
    if (json.path("ok").asBoolean(false) && status / 100 == 2) {
      return new Answer.Ok(json.path("result"));
    }
    String description =
        json.path("description").isString()
            ? scrub(json.path("description").stringValue())
            : "HTTP " + status;
    JsonNode retryAfter = json.path("parameters").path("retry_after");
    return new Answer.Failed(
        json.path("error_code").canConvertToInt() ? json.path("error_code").asInt() : status,
        description,
        retryAfter.isIntegralNumber() ? Optional.of(retryAfter.asLong()) : Optional.empty());
  }

  /** {@code text} without the token. */
  String scrub(String text) {
    return text.replace(token, "<token>");
  }

  @Override
  public String toString() {
    return "TelegramBotApi[" + scrub(base) + "]";
  }
}
