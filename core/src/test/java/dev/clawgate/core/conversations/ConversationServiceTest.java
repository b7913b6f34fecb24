package dev.clawgate.core.conversations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clawgate.core.store.StateStore;
import dev.clawgate.core.testing.MutableClock;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions, transcripts, inbound dedupe, cursors and deliveries on a real state database. */
class ConversationServiceTest {
  @TempDir Path dir;

  private final MutableClock clock = MutableClock.create();
  private final List<Appended> heard = new ArrayList<>();
  private final List<String> changes = new ArrayList<>();
  private StateStore store;
  private ConversationService conversations;

  @BeforeEach
  void open() {
    store = StateStore.open(dir.resolve("state.db"));
    conversations = ConversationService.open(store, clock);
    conversations.listen(recorder());
  }

  @AfterEach
  void close() {
    store.close();
  }

  private ConversationListener recorder() {
    return new ConversationListener() {
      @Override
      public void appended(Appended appended) {
        heard.add(appended);
      }

      @Override
      public void sessionChanged(String key, String phase, Optional<SessionRow> session) {
        changes.add(phase + " " + key);
      }
    };
  }

  private void reopen() {
    store.close();
    store = StateStore.open(dir.resolve("state.db"));
    conversations = ConversationService.open(store, clock);
    conversations.listen(recorder());
  }

  static InboundMessage dm(String externalId, String peer, String text) {
    return new InboundMessage(
        "telegram",
        "main",
        externalId,
        ChatType.DIRECT,
        peer,
        Optional.empty(),
        peer,
        Optional.of("Ada"),
        Optional.empty(),
        text,
        List.of(),
        false,
        0,
        SessionKeys.forInbound(
            "main",
            "telegram",
            "main",
            ChatType.DIRECT,
            peer,
            Optional.empty(),
            DmScope.PER_CHANNEL_PEER));
  }

  private static NewMessage reply(String key, String text) {
    return new NewMessage(
        key,
        "assistant",
        Json.mapper().getNodeFactory().stringNode(text),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        "chat.inject");
  }

  @Test
  void anInboundMessageCreatesItsSessionWithRouteTitleAndPreview() {
    int added =
        conversations.receive(
            List.of(dm("42:1", "42", "  Hello   there\nfriend ")), Optional.empty());

    assertThat(added).isEqualTo(1);
    SessionRow row = conversations.require("agent:main:telegram:dm:42");
    assertThat(row.kind()).isEqualTo("direct");
    assertThat(row.derivedTitle()).contains("Hello there friend");
    assertThat(row.lastMessagePreview()).contains("Hello there friend");
    assertThat(row.displayName()).contains("Ada");
    assertThat(row.deliveryContext())
        .contains(new Route("telegram", "42", Optional.of("main"), Optional.empty()));
    assertThat(row.lastRoute()).isEqualTo(row.deliveryContext());
    assertThat(row.origin().orElseThrow().provider()).isEqualTo("telegram");
    assertThat(row.messageCount()).isEqualTo(1);
    List<TranscriptMessage> history = conversations.history(row.key(), 10, Optional.empty());
    assertThat(history)
        .singleElement()
        .satisfies(m -> {
          assertThat(m.seq()).isEqualTo(1);
          assertThat(m.role()).isEqualTo("user");
          assertThat(m.senderIsOwner()).contains(false);
          assertThat(m.text()).isEqualTo("  Hello   there\nfriend ");
        });
    assertThat(heard).singleElement().satisfies(a -> assertThat(a.sessionCreated()).isTrue());
  }

  @Test
  void aRedeliveredInboundMessageIsSkippedAndTheCursorMovesWithTheBatch() {
    ChannelCursor first = new ChannelCursor("telegram", "main", "offset", "11");
    conversations.receive(List.of(dm("42:1", "42", "one")), Optional.of(first));
    ChannelCursor second = new ChannelCursor("telegram", "main", "offset", "13");
    int added =
        conversations.receive(
            List.of(dm("42:1", "42", "one"), dm("42:2", "42", "two")), Optional.of(second));

    assertThat(added).isEqualTo(1);
    assertThat(conversations.cursor("telegram", "main", "offset")).contains("13");
    assertThat(conversations.history("agent:main:telegram:dm:42", 10, Optional.empty()))
        .extracting(TranscriptMessage::text)
        .containsExactly("one", "two");
  }

  @Test
  void anOversizedInboundBatchStoresNothingAndKeepsTheCursor() {
    conversations.receive(
        List.of(dm("42:1", "42", "one")),
        Optional.of(new ChannelCursor("telegram", "main", "offset", "2")));
    String huge = "x".repeat(ConversationService.MAX_CONTENT_BYTES + 1);

    var e =
        catchThrowableOfType(
            ClawgateException.class,
            () ->
                conversations.receive(
                    List.of(dm("42:2", "42", "fine"), dm("42:3", "42", huge)),
                    Optional.of(new ChannelCursor("telegram", "main", "offset", "4"))));

    assertThat(e.detail()).isEqualTo(DetailCode.MESSAGE_TOO_LARGE);
    assertThat(conversations.cursor("telegram", "main", "offset")).contains("2");
    assertThat(conversations.require("agent:main:telegram:dm:42").messageCount()).isEqualTo(1);
  }

  @Test
  void appendingToAnUnknownSessionIsRefusedAndChangesNothing() {
    var e =
        catchThrowableOfType(
            ClawgateException.class, () -> conversations.append(reply("agent:main:nope", "x")));

    assertThat(e.detail()).isEqualTo(DetailCode.SESSION_NOT_FOUND);
    assertThat(conversations.sessionCount()).isZero();
    assertThat(heard).isEmpty();
  }

  @Test
  void theMainSessionIsCreatedOnFirstUse() {
    Appended a = conversations.append(reply("agent:main:main", "hi"));

    assertThat(a.sessionCreated()).isTrue();
    assertThat(conversations.require("agent:main:main").messageCount()).isEqualTo(1);
  }

  @Test
  void anAppendWithAnIdempotencyKeyHappensOnce() {
    NewMessage turn =
        new NewMessage(
            "agent:main:main",
            "user",
            Json.mapper().getNodeFactory().stringNode("do it"),
            List.of(),
            Optional.of(true),
            Optional.of("k-1"),
            "chat.send");
    Appended first = conversations.append(turn);
    Appended second = conversations.append(turn);

    assertThat(second.duplicate()).isTrue();
    assertThat(second.message().id()).isEqualTo(first.message().id());
    assertThat(conversations.require("agent:main:main").messageCount()).isEqualTo(1);
    assertThat(heard).hasSize(1);
  }

  @Test
  void historyPagesBySeqAndMessagesAreFoundById() {
    conversations.receive(List.of(dm("42:1", "42", "m1")), Optional.empty());
    String key = "agent:main:telegram:dm:42";
    List<String> ids = new ArrayList<>();
    for (int i = 2; i <= 10; i++) {
      clock.advance(Duration.ofSeconds(1));
      ids.add(conversations.append(reply(key, "m" + i)).message().id());
    }

    assertThat(conversations.history(key, 3, Optional.empty()))
        .extracting(TranscriptMessage::seq)
        .containsExactly(8L, 9L, 10L);
    assertThat(conversations.history(key, 3, Optional.of(8L)))
        .extracting(TranscriptMessage::seq)
        .containsExactly(5L, 6L, 7L);
    assertThat(conversations.message(key, ids.get(0)).orElseThrow().text()).isEqualTo("m2");
    assertThat(conversations.message(key, "nope")).isEmpty();
    assertThat(conversations.require(key).lastMessagePreview()).contains("m10");
    assertThat(conversations.require(key).derivedTitle()).contains("m1");
  }

  @Test
  void resetStartsANewTranscriptAndKeepsTheOldOne() {
    conversations.receive(List.of(dm("42:1", "42", "before")), Optional.empty());
    String key = "agent:main:telegram:dm:42";
    String oldId = conversations.require(key).sessionId();

    SessionRow fresh = conversations.reset(key);

    assertThat(fresh.sessionId()).isNotEqualTo(oldId);
    assertThat(fresh.messageCount()).isZero();
    assertThat(fresh.deliveryContext()).isPresent();
    assertThat(conversations.history(key, 10, Optional.empty())).isEmpty();
    assertThat(
            store.<Long>read(
                tx -> tx.scalar("SELECT COUNT(*) FROM transcript WHERE session_id = ?", oldId)))
        .isEqualTo(1);
    assertThat(changes).containsExactly("reset " + key);
  }

  @Test
  void deleteRemovesTheSessionAndItsTranscripts() {
    conversations.receive(List.of(dm("42:1", "42", "x")), Optional.empty());
    String key = "agent:main:telegram:dm:42";

    conversations.delete(key);

    assertThat(conversations.describe(key)).isEmpty();
    assertThat(store.<Long>read(tx -> tx.scalar("SELECT COUNT(*) FROM transcript"))).isZero();
    var e = catchThrowableOfType(ClawgateException.class, () -> conversations.delete(key));
    assertThat(e.detail()).isEqualTo(DetailCode.SESSION_NOT_FOUND);
  }

  @Test
  void listIsMostRecentFirstWithSearchChannelAndPaging() {
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(1));
      conversations.receive(List.of(dm("p" + i + ":1", "p" + i, "topic " + i)), Optional.empty());
    }

    assertThat(conversations.list(SessionQuery.first(2)).sessions())
        .extracting(SessionRow::key)
        .containsExactly("agent:main:telegram:dm:p4", "agent:main:telegram:dm:p3");
    SessionPage page =
        conversations.list(
            new SessionQuery(
                2, 2, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
    assertThat(page.sessions())
        .extracting(SessionRow::key)
        .containsExactly("agent:main:telegram:dm:p2", "agent:main:telegram:dm:p1");
    assertThat(page.total()).isEqualTo(5);
    assertThat(
            conversations
                .list(
                    new SessionQuery(
                        10,
                        0,
                        Optional.of("TOPIC 3"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty()))
                .sessions())
        .extracting(SessionRow::key)
        .containsExactly("agent:main:telegram:dm:p3");
    assertThat(
            conversations
                .list(
                    new SessionQuery(
                        10,
                        0,
                        Optional.empty(),
                        Optional.of("webhook"),
                        Optional.empty(),
                        Optional.empty()))
                .total())
        .isZero();
  }

  @Test
  void aDeliveryIsClaimedOnceCompletedWithItsMirrorAndReplayedAfterwards() {
    conversations.receive(List.of(dm("42:1", "42", "hi")), Optional.empty());
    String key = "agent:main:telegram:dm:42";
    Route route = conversations.require(key).replyRoute().orElseThrow();
    DeliveryRequest request = new DeliveryRequest("key-1", route, "pong", Optional.of(key));

    assertThat(conversations.claimDelivery(request)).isInstanceOf(DeliveryClaim.Claimed.class);
    assertThat(conversations.claimDelivery(request)).isInstanceOf(DeliveryClaim.InFlight.class);
    Appended mirror = conversations.completeDelivery(request, List.of("900"), 1).orElseThrow();

    assertThat(mirror.message().role()).isEqualTo("assistant");
    assertThat(mirror.message().idempotencyKey()).contains("key-1");
    assertThat(conversations.claimDelivery(request))
        .isEqualTo(
            new DeliveryClaim.Delivered(
                List.of("900"), Optional.of(mirror.message().id()), clock.millis()));
    var conflict =
        catchThrowableOfType(
            ClawgateException.class,
            () ->
                conversations.claimDelivery(
                    new DeliveryRequest("key-1", route, "other", Optional.of(key))));
    assertThat(conflict.detail()).isEqualTo(DetailCode.IDEMPOTENCY_KEY_REUSED);
    assertThat(conversations.require(key).messageCount()).isEqualTo(2);
  }

  @Test
  void aFailedOrInterruptedDeliveryMayBeClaimedAgain() {
    Route route = new Route("webhook", "peer", Optional.of("main"), Optional.empty());
    DeliveryRequest failed = new DeliveryRequest("k-failed", route, "x", Optional.empty());
    DeliveryRequest interrupted =
        new DeliveryRequest("k-interrupted", route, "y", Optional.empty());
    conversations.claimDelivery(failed);
    conversations.failDelivery(failed, "HTTP 500", 5);
    conversations.claimDelivery(interrupted);

    reopen();

    assertThat(conversations.claimDelivery(failed)).isInstanceOf(DeliveryClaim.Claimed.class);
    assertThat(conversations.claimDelivery(interrupted)).isInstanceOf(DeliveryClaim.Claimed.class);
  }

  @Test
  void theSessionIndexMatchesTheTableAfterReopening() {
    for (int i = 0; i < 20; i++) {
      clock.advance(Duration.ofMillis(10));
      conversations.receive(
          List.of(dm("p" + (i % 7) + ":" + i, "p" + (i % 7), "t" + i)), Optional.empty());
    }
    List<SessionRow> before = conversations.list(SessionQuery.first(100)).sessions();

    reopen();

    assertThat(conversations.list(SessionQuery.first(100)).sessions()).isEqualTo(before);
  }
}
