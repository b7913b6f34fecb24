package dev.clawgate.gateway.channels.telegram;

import static dev.clawgate.core.testing.FakeTelegramBotApi.privateChat;
import static dev.clawgate.core.testing.FakeTelegramBotApi.supergroup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.clawgate.core.conversations.ChatType;
import dev.clawgate.core.conversations.InboundMessage;
import dev.clawgate.core.conversations.Media;
import dev.clawgate.core.testing.FakeTelegramBotApi;
import dev.clawgate.core.testing.FakeTelegramBotApi.User;
import dev.clawgate.gateway.channels.ChannelStatus;
import dev.clawgate.gateway.channels.RecordingChannelContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Inbound over long polling against a local Bot API: mapping of direct, group, topic and media
 * messages; the account's policies; the offset stored with its batch so a new channel resumes with
 * nothing lost or repeated; store failures never advance it; Bot API errors show in the status.
 */
class TelegramPollingTest {
  private static final User ADA = new User(42, "Ada", Optional.of("Lovelace"), Optional.of("ada"));
  private static final User OWNER = new User(99, "", Optional.empty(), Optional.of("boss"));
  private static final User STRANGER = User.of(13, "Eve");

  private final FakeTelegramBotApi api = FakeTelegramBotApi.start(TelegramAccounts.TOKEN);
  private final RecordingChannelContext context = new RecordingChannelContext();
  private final List<TelegramChannel> channels = new ArrayList<>();

  private TelegramChannel start(String token) {
    TelegramChannel channel =
        TelegramChannel.create(
            TelegramAccounts.account(api.baseUrl(), token),
            Clock.systemUTC(),
            TelegramAccounts.FAST);
    channels.add(channel);
    channel.start(context);
    return channel;
  }

  private TelegramChannel start() {
    return start(TelegramAccounts.TOKEN);
  }

  @AfterEach
  void close() {
    channels.forEach(TelegramChannel::close);
    api.close();
  }

  private List<InboundMessage> awaitMessages(int count) {
    await().atMost(Duration.ofSeconds(10)).until(() -> context.messages().size() >= count);
    return context.messages();
  }

  private void awaitOffset(long offset) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> context.cursor("offset").equals(Optional.of(Long.toString(offset))));
  }

  @Test
  void aDirectMessageBecomesAnInboundMessageInThePeersSession() {
    start();
    long update = api.enqueueText(privateChat(42), ADA, "hello bot");

    InboundMessage message = awaitMessages(1).get(0);

    assertThat(message.channel()).isEqualTo("telegram");
    assertThat(message.accountId()).isEqualTo("main");
    assertThat(message.externalId()).matches("42:[0-9]+");
    assertThat(message.chatType()).isEqualTo(ChatType.DIRECT);
    assertThat(message.chatId()).isEqualTo("42");
    assertThat(message.threadId()).isEmpty();
    assertThat(message.senderId()).isEqualTo("42");
    assertThat(message.senderName()).contains("Ada Lovelace");
    assertThat(message.chatTitle()).isEmpty();
    assertThat(message.text()).isEqualTo("hello bot");
    assertThat(message.media()).isEmpty();
    assertThat(message.senderIsOwner()).isFalse();
    assertThat(message.timestampMs()).isPositive().isEqualTo(message.timestampMs() / 1000 * 1000);
    assertThat(message.sessionKey()).isEqualTo("agent:main:telegram:dm:42");
    awaitOffset(update + 1);
  }

  @Test
  void groupAndForumTopicMessagesGoToTheGroupAndTopicSessions() {
    start();
    api.enqueueText(supergroup(-100123, "Team"), STRANGER, "to the group");
    api.enqueueTopicText(supergroup(-100123, "Team"), STRANGER, 55, "in a topic");
    api.enqueueText(supergroup(-100999, "Elsewhere"), ADA, "not listened to");
    long last = api.enqueueText(privateChat(42), ADA, "done");

    awaitOffset(last + 1);
    List<InboundMessage> messages = context.messages();

    assertThat(messages)
        .extracting(InboundMessage::text)
        .containsExactly("to the group", "in a topic", "done");
    InboundMessage group = messages.get(0);
    assertThat(group.chatType()).isEqualTo(ChatType.GROUP);
    assertThat(group.chatId()).isEqualTo("-100123");
    assertThat(group.chatTitle()).contains("Team");
    assertThat(group.senderId()).isEqualTo("13");
    assertThat(group.sessionKey()).isEqualTo("agent:main:telegram:group:-100123");
    InboundMessage topic = messages.get(1);
    assertThat(topic.threadId()).contains("55");
    assertThat(topic.sessionKey()).isEqualTo("agent:main:telegram:group:-100123:topic:55");
    assertThat(topic.replyRoute().threadId()).contains("55");
  }

  @Test
  void photosAndDocumentsBecomeMediaFacts() {
    start();
    api.enqueuePhoto(privateChat(42), ADA, "PHOTO1", 54321, Optional.of("look"));
    api.enqueueDocument(privateChat(42), ADA, "DOC1", "report.pdf", "application/pdf", 999);

    List<InboundMessage> messages = awaitMessages(2);

    assertThat(messages.get(0).text()).isEqualTo("look");
    assertThat(messages.get(0).media())
        .containsExactly(
            new Media(
                "telegram:file/PHOTO1",
                "image/jpeg",
                "image",
                Optional.empty(),
                Optional.of(54321L)));
    assertThat(messages.get(1).text()).isEmpty();
    assertThat(messages.get(1).media())
        .containsExactly(
            new Media(
                "telegram:file/DOC1",
                "application/pdf",
                "file",
                Optional.of("report.pdf"),
                Optional.of(999L)));
  }

  @Test
  void onlyAllowlistedPeersAndOwnersAreTakenInButEveryUpdateAdvancesTheOffset() {
    start();
    api.enqueueText(privateChat(13), STRANGER, "let me in");
    api.enqueueText(privateChat(99), OWNER, "it is me");
    api.enqueue("my_chat_member", api.message(privateChat(42), ADA));
    long last = api.enqueueText(privateChat(42), ADA, "hi");

    awaitOffset(last + 1);

    assertThat(context.messages()).extracting(InboundMessage::senderId).containsExactly("99", "42");
    InboundMessage owner = context.messages().get(0);
    assertThat(owner.senderIsOwner()).isTrue();
    assertThat(owner.senderName()).contains("boss");
    assertThat(context.messages().get(1).senderIsOwner()).isFalse();
    // The next poll confirms the offset: Telegram forgets every update, refused ones included.
    await().atMost(Duration.ofSeconds(10)).until(() -> api.unconfirmed() == 0);
  }

  @Test
  void theOffsetIsStoredWithItsBatchAndANewChannelResumesFromIt() {
    TelegramChannel first = start();
    api.enqueueText(privateChat(42), ADA, "one");
    long second = api.enqueueText(privateChat(42), ADA, "two");
    awaitOffset(second + 1);
    assertThat(context.committedCursors())
        .allSatisfy(
            c -> assertThat(c).hasValueSatisfying(v -> assertThat(v.name()).isEqualTo("offset")));

    first.close();
    long third = api.enqueueText(privateChat(42), ADA, "three");
    start();
    awaitOffset(third + 1);

    assertThat(context.messages())
        .extracting(InboundMessage::text)
        .containsExactly("one", "two", "three");
    // Nothing was handed to the store twice: the resumed poll started after "two".
    assertThat(context.offered()).doesNotHaveDuplicates().hasSize(3);
    assertThat(first.status().running()).isFalse();
  }

  @Test
  void aStoreFailureNeverAdvancesTheOffsetSoNothingIsLost() {
    context.failNext(1_000);
    TelegramChannel failing = start();
    api.enqueueText(privateChat(42), ADA, "keep me");
    await().atMost(Duration.ofSeconds(10)).until(() -> context.calls() >= 2);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> failing.status().lastError().orElse("").startsWith("could not store"));

    failing.close();
    assertThat(context.cursor("offset")).isEmpty();
    context.failNext(0);
    start();

    assertThat(awaitMessages(1)).extracting(InboundMessage::text).containsExactly("keep me");
    assertThat(context.offered()).hasSize(1);
  }

  @Test
  void aStoreFailureIsRetriedWithTheSameBatch() {
    context.failNext(2);
    start();
    long update = api.enqueueText(privateChat(42), ADA, "eventually");

    awaitOffset(update + 1);

    assertThat(context.calls()).isGreaterThanOrEqualTo(3);
    assertThat(context.messages()).extracting(InboundMessage::text).containsExactly("eventually");
    assertThat(context.committedCursors()).hasSize(1);
  }

  @Test
  void aRefusedTokenIsReportedInTheStatus() {
    TelegramChannel channel = start("123456:WRONG-token");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() ->
            channel.status().lastError().equals(Optional.of("unauthorized: check the bot token")));
    ChannelStatus status = channel.status();

    assertThat(status.running()).isTrue();
    assertThat(status.connected()).isFalse();
    assertThat(status.toString()).doesNotContain("WRONG-token");
  }

  @Test
  void aConflictIsReportedAndPollingRecovers() {
    api.failNext("getUpdates", 1, 409);
    TelegramChannel channel = start();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() ->
            channel
                .status()
                .lastError()
                .orElse("")
                .startsWith("conflict: another getUpdates poller"));
    long update = api.enqueueText(privateChat(42), ADA, "after the conflict");
    awaitOffset(update + 1);

    assertThat(channel.status().connected()).isTrue();
    assertThat(channel.status().lastError()).isEmpty();
  }

  @Test
  void theStatusShowsTheModeHostAndOffsetButNoToken() {
    TelegramChannel channel = start();
    long update = api.enqueueText(privateChat(42), ADA, "hi");
    awaitOffset(update + 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> channel.status().connected());

    ChannelStatus status = channel.status();

    assertThat(status.type()).isEqualTo("telegram");
    assertThat(status.accountId()).isEqualTo("main");
    assertThat(status.running()).isTrue();
    assertThat(status.lastInboundAtMs()).isPresent();
    assertThat(status.details())
        .containsEntry("mode", "polling")
        .containsEntry("apiHost", "127.0.0.1")
        .containsEntry("offset", Long.toString(update + 1));
    assertThat(status.toString()).doesNotContain(TelegramAccounts.TOKEN);

    channel.close();
    assertThat(channel.status().running()).isFalse();
  }
}
