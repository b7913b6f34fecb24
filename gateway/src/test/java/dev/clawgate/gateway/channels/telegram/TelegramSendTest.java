package dev.clawgate.gateway.channels.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.conversations.Route;
import dev.clawgate.core.testing.FakeTelegramBotApi;
import dev.clawgate.core.testing.FakeTelegramBotApi.Sent;
import dev.clawgate.gateway.channels.Delivery;
import dev.clawgate.gateway.channels.OutboundText;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code sendMessage} against a local Bot API: the right chat and topic, long texts split into
 * parts Telegram accepts, 429 honoured, 5xx retried, other refusals not.
 */
class TelegramSendTest {
  private final FakeTelegramBotApi api = FakeTelegramBotApi.start(TelegramAccounts.TOKEN);
  private final TelegramChannel channel =
      TelegramChannel.create(
          TelegramAccounts.account(api.baseUrl(), TelegramAccounts.TOKEN),
          Clock.systemUTC(),
          TelegramAccounts.FAST);

  @AfterEach
  void close() {
    channel.close();
    api.close();
  }

  private static OutboundText to(String chat, Optional<String> thread, String text) {
    return new OutboundText(new Route("telegram", chat, Optional.of("main"), thread), text, "k1");
  }

  private static List<String> ids(List<Sent> sent) {
    return sent.stream().map(s -> Long.toString(s.messageId())).toList();
  }

  @Test
  void aReplyGoesToTheChatAndTopic() {
    Delivery toTopic = channel.send(to("-100123", Optional.of("55"), "in the topic"));
    Delivery direct = channel.send(to("42", Optional.empty(), "direct"));

    List<Sent> sent = api.sent();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(0).chatId()).isEqualTo("-100123");
    assertThat(sent.get(0).messageThreadId()).contains(55L);
    assertThat(sent.get(0).text()).isEqualTo("in the topic");
    assertThat(sent.get(1).chatId()).isEqualTo("42");
    assertThat(sent.get(1).messageThreadId()).isEmpty();
    assertThat(toTopic).isEqualTo(Delivery.ok(ids(sent.subList(0, 1)), 1));
    assertThat(direct).isEqualTo(Delivery.ok(ids(sent.subList(1, 2)), 1));
    assertThat(channel.status().lastOutboundAtMs()).isPresent();
  }

  @Test
  void aLongTextIsSentInPartsAtParagraphBreaksInOrder() {
    String paragraph = "word ".repeat(300).strip(); // 1499 chars
    String text =
        String.join("\n\n", paragraph + "1", paragraph + "2", paragraph + "3", paragraph + "4");

    Delivery delivery = channel.send(to("42", Optional.empty(), text));

    List<Sent> sent = api.sent();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(0).text()).isEqualTo(paragraph + "1\n\n" + paragraph + "2");
    assertThat(sent.get(1).text()).isEqualTo(paragraph + "3\n\n" + paragraph + "4");
    assertThat(delivery).isEqualTo(Delivery.ok(ids(sent), 2));
  }

  @Test
  void aLongTextWithoutSpacesIsCutAtTheLimit() {
    String text = "a".repeat(9000);

    Delivery delivery = channel.send(to("42", Optional.empty(), text));

    assertThat(api.sent()).extracting(s -> s.text().length()).containsExactly(4096, 4096, 808);
    assertThat(String.join("", api.sent().stream().map(Sent::text).toList())).isEqualTo(text);
    assertThat(delivery.messageIds()).hasSize(3);
  }

  @Test
  void anEmojiAtTheLimitIsNeverCutInHalf() {
    String text = "a".repeat(4095) + "\uD83D\uDE00" + "b".repeat(10);

    Delivery delivery = channel.send(to("42", Optional.empty(), text));

    assertThat(delivery.delivered()).isTrue();
    assertThat(api.sent())
        .extracting(Sent::text)
        .containsExactly("a".repeat(4095), "\uD83D\uDE00" + "b".repeat(10));
  }

  @Test
  void aTooManyRequestsAnswerIsRetriedAfterRetryAfter() {
    api.rateLimitNext("sendMessage", 1, 1);

    Delivery delivery = channel.send(to("42", Optional.empty(), "patience"));

    assertThat(delivery.delivered()).isTrue();
    assertThat(delivery.attempts()).isEqualTo(2);
    assertThat(api.sent()).extracting(Sent::text).containsExactly("patience");
    assertThat(api.calls("sendMessage")).isEqualTo(2);
  }

  @Test
  void aRetryAfterBeyondTheCapFailsRetryableWithoutWaiting() {
    api.rateLimitNext("sendMessage", 1, 120);

    Delivery delivery = channel.send(to("42", Optional.empty(), "later"));

    assertThat(delivery.delivered()).isFalse();
    assertThat(delivery.retryable()).isTrue();
    assertThat(delivery.attempts()).isEqualTo(1);
    assertThat(delivery.error()).hasValueSatisfying(e -> assertThat(e).contains("120 s"));
  }

  @Test
  void aBadRequestIsNotRetriedAndCarriesTelegramsDescription() {
    api.failNext("sendMessage", 1, 400);

    Delivery delivery = channel.send(to("777", Optional.empty(), "hello?"));

    assertThat(delivery.delivered()).isFalse();
    assertThat(delivery.retryable()).isFalse();
    assertThat(delivery.attempts()).isEqualTo(1);
    assertThat(delivery.error())
        .hasValueSatisfying(e -> assertThat(e).contains("Bad Request: chat not found"));
    assertThat(api.calls("sendMessage")).isEqualTo(1);
    assertThat(channel.status().lastError())
        .hasValueSatisfying(e -> assertThat(e).contains("chat not found"));
  }

  @Test
  void serverErrorsAreRetriedThenGivenUp() {
    api.failNext("sendMessage", 2, 502);
    Delivery recovered = channel.send(to("42", Optional.empty(), "third time lucky"));

    api.failNext("sendMessage", 10, 500);
    Delivery failed = channel.send(to("42", Optional.empty(), "never"));

    assertThat(recovered.delivered()).isTrue();
    assertThat(recovered.attempts()).isEqualTo(3);
    assertThat(failed.delivered()).isFalse();
    assertThat(failed.retryable()).isTrue();
    assertThat(failed.attempts()).isEqualTo(TelegramAccounts.FAST.sendAttempts());
    assertThat(api.sent()).extracting(Sent::text).containsExactly("third time lucky");
  }

  @Test
  void aTopicThatIsNotANumberIsRefusedWithoutARequest() {
    Delivery delivery = channel.send(to("42", Optional.of("general"), "x"));

    assertThat(delivery.delivered()).isFalse();
    assertThat(delivery.retryable()).isFalse();
    assertThat(delivery.attempts()).isZero();
    assertThat(api.calls("sendMessage")).isZero();
  }

  @Test
  void aWrongTokenIsAFailureThatNeverShowsTheToken() {
    TelegramChannel wrong =
        TelegramChannel.create(
            TelegramAccounts.account(api.baseUrl(), "999:WRONG-secret"),
            Clock.systemUTC(),
            TelegramAccounts.FAST);
    try {
      Delivery delivery = wrong.send(to("42", Optional.empty(), "x"));

      assertThat(delivery.delivered()).isFalse();
      assertThat(delivery.retryable()).isFalse();
      assertThat(delivery.error())
          .hasValueSatisfying(
              e -> assertThat(e).contains("Unauthorized").doesNotContain("WRONG-secret"));
    } finally {
      wrong.close();
    }
  }
}
