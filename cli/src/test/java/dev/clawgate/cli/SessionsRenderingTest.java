package dev.clawgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.Json;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What the conversation commands print for the gateway's answers, from answers written out here:
 * tables that fit 80 columns unless {@code --wide}, the transcript with attachments and owners, the
 * channel states and the exit decision, the send summary. The commands against a real gateway are
 * in {@link SessionsCommandsTest}.
 */
class SessionsRenderingTest {
  private static final long NOW = 1_800_000_000_000L;

  @Test
  void listFitsEightyColumnsCuttingTheKeyLastAndWideAddsThePeerAndCutsNothing() {
    String topic = "agent:main:telegram:main:group:-1001234567890:topic:42";
    JsonNode page =
        json(
            """
            {"total": 35, "sessions": [
              {"key": "agent:main:telegram:dm:123456789", "updatedAt": %d, "channel": "telegram",
               "deliveryContext": {"channel": "telegram", "to": "123456789"},
               "displayName": "Alice Example", "derivedTitle": "can you send the invoice?"},
              {"key": "agent:main:webhook:dm:alice", "updatedAt": %d,
               "lastChannel": "webhook", "lastTo": "alice", "lastMessagePreview": "thanks"},
              {"key": "%s", "updatedAt": %d, "channel": "telegram",
               "deliveryContext": {"channel": "telegram", "to": "-1001234567890",
                                   "accountId": "main", "threadId": "42"},
               "label": "Release planning with a very long chat title indeed"}
            ]}
            """
                .formatted(NOW - 5_000, NOW - 90_000, topic, NOW - 3 * 86_400_000L));

    String narrow = SessionsListCommand.render(page, 10, NOW, false);
    assertThat(narrow.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
    assertThat(narrow)
        .startsWith("  KEY  ")
        .containsPattern("  agent:main:telegram:dm:123456789 +telegram +5s ago +Alice Example\n")
        .containsPattern("  agent:main:webhook:dm:alice +webhook +1m ago +thanks\n")
        .contains("  " + topic.substring(0, 39) + "…  telegram  3d ago   Release planning…")
        .doesNotContain(" TO ")
        .endsWith("3 of 35 sessions (from 11); next page: --offset 13\n");

    String wide = SessionsListCommand.render(page, 0, NOW, true);
    assertThat(wide)
        .containsPattern("KEY +CHANNEL +TO +UPDATED +TITLE\n")
        .containsPattern("agent:main:telegram:dm:123456789 +telegram +123456789 +5s ago")
        .contains(topic + "  telegram  -1001234567890  3d ago   Release planning with a very long")
        .endsWith("3 of 35 sessions; next page: --offset 3\n");
  }

  @Test
  void anEmptyPageSaysWhetherThereAreSessionsAtAll() {
    assertThat(SessionsListCommand.render(json("{\"total\": 0, \"sessions\": []}"), 0, NOW, false))
        .isEqualTo("No sessions.\n");
    assertThat(SessionsListCommand.render(json("{\"total\": 3, \"sessions\": []}"), 5, NOW, false))
        .isEqualTo("No sessions from offset 5 (3 in all).\n");
  }

  @Test
  void showPrintsTheRouteAndEachMessageWithItsAttachmentsAndOwner() {
    JsonNode session =
        json(
            """
            {"key": "agent:main:telegram:dm:7", "messageCount": 12,
             "deliveryContext": {"channel": "telegram", "to": "7", "threadId": 3},
             "derivedTitle": "hello there"}
            """);
    JsonNode messages =
        json(
            """
            [{"role": "user", "content": "hello there\\nsecond line", "timestamp": %d,
              "senderIsOwner": true, "__openclaw": {"seq": 11}},
             {"role": "assistant", "timestamp": %d,
              "content": [{"type": "text", "text": "a picture"}, {"type": "tool_use"}],
              "__openclaw": {"seq": 12, "media": [{"kind": "image", "fileName": "x.png",
                "sizeBytes": 3, "contentType": "image/png", "url": "media://x"}]}}]
            """
                .formatted(NOW, NOW + 1_000));

    String shown = SessionsShowCommand.render(session, messages, ZoneOffset.UTC);

    assertThat(shown)
        .isEqualTo(
            """
            Session agent:main:telegram:dm:7
              route    telegram:7 (thread 3)
              title    hello there
              messages 12 (the latest 2 below; --limit for more)

              #11   2027-01-15 08:00:00  user*      hello there
                                                    second line
              #12   2027-01-15 08:00:01  assistant  a picture
                                                    [tool_use]
                                                    [image x.png 3 B]
            """);
  }

  @Test
  void attachmentSizesReadAsAPersonWritesThem() {
    assertThat(SessionsTranscript.size(3)).isEqualTo("3 B");
    assertThat(SessionsTranscript.size(1536)).isEqualTo("1.5 KB");
    assertThat(SessionsTranscript.size(5L * 1024 * 1024)).isEqualTo("5.0 MB");
    assertThat(SessionsTranscript.text(json("{\"content\": \"\", \"__openclaw\": {}}")))
        .isEqualTo("(empty)");
  }

  @Test
  void channelStatesAndTheExitDecision() {
    JsonNode status =
        json(
            """
            {"ts": %d, "channelOrder": ["telegram", "webhook"], "channelAccounts": {
              "telegram": [{"accountId": "main", "running": true, "connected": true,
                            "lastInboundAt": %d, "details": {"mode": "polling"}}],
              "webhook": [{"accountId": "ops", "running": true, "connected": false,
                           "lastOutboundAt": %d, "lastError": "HTTP 503 after 5 attempts",
                           "details": {}}]}}
            """
                .formatted(NOW, NOW - 30_000, NOW - 7_200_000));

    String table = ChannelsStatusCommand.render(status, NOW, false);
    assertThat(table)
        .containsPattern("telegram +main +connected +30s ago +never +-\n")
        .containsPattern("webhook +ops +error +never +2h ago +HTTP 503 after 5 attempts\n");
    assertThat(ChannelsStatusCommand.healthy(status)).isFalse();

    JsonNode fine =
        json(
            """
            {"channelOrder": ["webhook"], "channelAccounts": {"webhook": [
              {"accountId": "a", "running": true, "connected": false, "details": {}}]}}
            """);
    assertThat(ChannelsStatusCommand.state(ChannelsStatusCommand.accounts(fine).get(0)))
        .isEqualTo("running");
    assertThat(ChannelsStatusCommand.healthy(fine)).isTrue();
    assertThat(ChannelsStatusCommand.healthy(json("{\"channelOrder\": []}"))).isTrue();
    JsonNode stopped =
        json(
            """
            {"channelOrder": ["telegram"], "channelAccounts": {"telegram": [
              {"accountId": "b", "running": false}]}}
            """);
    assertThat(ChannelsStatusCommand.healthy(stopped)).isFalse();
  }

  @Test
  void theSendSummaryNamesTheRouteThePartsAndADuplicate() {
    JsonNode sent =
        json(
            """
            {"ok": true, "channel": "telegram", "to": "7", "accountId": "main", "threadId": "3",
             "idempotencyKey": "k-9", "platformMessageIds": ["1", "2"], "duplicate": false}
            """);
    assertThat(MessageDelivery.describe(sent))
        .isEqualTo("sent to telegram:7 (2 part(s), account main, thread 3)");

    JsonNode again =
        json(
            """
            {"ok": true, "channel": "webhook", "to": "alice", "idempotencyKey": "k-9",
             "platformMessageIds": ["d-1"], "duplicate": true}
            """);
    assertThat(MessageDelivery.describe(again))
        .isEqualTo(
            "already sent to webhook:alice (1 part(s)) with idempotency key k-9; not sent again");
  }

  @Test
  void theTextIsTheWordsOrStdinAndNeverEmpty() {
    assertThat(MessageDelivery.text(List.of("on", "my", "way"), stdin(""))).isEqualTo("on my way");
    assertThat(MessageDelivery.text(List.of("-"), stdin("line one\nline two\n\n")))
        .isEqualTo("line one\nline two");
    ClawgateException empty =
        catchThrowableOfType(
            ClawgateException.class, () -> MessageDelivery.text(List.of("-"), stdin(" \n")));
    assertThat(Main.exitCode(empty)).isEqualTo(Main.USAGE);
    assertThat(empty.getMessage()).isEqualTo("the message is empty");
  }

  private static ByteArrayInputStream stdin(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode json(String text) {
    return Json.mapper().readTree(text);
  }
}
