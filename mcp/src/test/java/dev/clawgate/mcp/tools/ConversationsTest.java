package dev.clawgate.mcp.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConversationsTest {

  static Stream<Arguments> routes() {
    return Stream.of(
        Arguments.of(
            "delivery context wins over every other source",
            """
            {"key":"k","deliveryContext":{"channel":"telegram","to":"1","accountId":"a1","threadId":7},
             "lastChannel":"slack","lastTo":"2","lastAccountId":"a2","lastThreadId":"t2",
             "channel":"discord","origin":{"provider":"irc","accountId":"a3","threadId":"t3"}}
            """,
            """
            {"sessionKey":"k","channel":"telegram","to":"1","accountId":"a1","threadId":7,"updatedAt":null}
            """),
        Arguments.of(
            "last route fills what the delivery context lacks",
            """
            {"key":"k","deliveryContext":{},"lastChannel":"slack","lastTo":"2",
             "lastAccountId":"a2","lastThreadId":"t2","channel":"discord",
             "origin":{"provider":"irc","accountId":"a3","threadId":"t3"}}
            """,
            """
            {"sessionKey":"k","channel":"slack","to":"2","accountId":"a2","threadId":"t2","updatedAt":null}
            """),
        Arguments.of(
            "row channel, then origin provider and origin account and thread",
            """
            {"key":"k","channel":"Discord","deliveryContext":{"to":"3"},
             "origin":{"provider":"irc","accountId":"a3","threadId":"t3"}}
            """,
            """
            {"sessionKey":"k","channel":"discord","to":"3","accountId":"a3","threadId":"t3","updatedAt":null}
            """),
        Arguments.of(
            "origin provider is the last channel source",
            """
            {"key":"k","lastTo":"4","origin":{"provider":"IRC"}}
            """,
            """
            {"sessionKey":"k","channel":"irc","to":"4","updatedAt":null}
            """),
        Arguments.of(
            "blank values fall through; the channel is trimmed and lower-cased",
            """
            {"key":"k","deliveryContext":{"channel":"  ","to":""},"lastChannel":" Telegram ",
             "lastTo":" +1555 ","label":"  Ops  ","displayName":"   ","derivedTitle":"t",
             "lastMessagePreview":"p","updatedAt":1700000000000}
            """,
            """
            {"sessionKey":"k","channel":"telegram","to":"+1555","label":"Ops","derivedTitle":"t",
             "lastMessagePreview":"p","updatedAt":1700000000000}
            """),
        Arguments.of(
            "a string updatedAt becomes null",
            """
            {"key":"k","lastChannel":"x","lastTo":"y","updatedAt":"yesterday"}
            """,
            """
            {"sessionKey":"k","channel":"x","to":"y","updatedAt":null}
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("routes")
  void resolvesTheRouteInReferencePrecedence(String name, String row, String expected) {
    assertThat(Conversations.toConversation(FakePort.parse(row)))
        .contains((tools.jackson.databind.node.ObjectNode) FakePort.parse(expected));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unrouted")
  void hidesRowsWithoutChannelOrPeer(String row) {
    assertThat(Conversations.toConversation(FakePort.parse(row))).isEmpty();
  }

  static Stream<String> unrouted() {
    return Stream.of(
        "{\"key\":\"k\",\"channel\":\"telegram\"}",
        "{\"key\":\"k\",\"lastTo\":\"1\"}",
        "{\"key\":\"k\",\"origin\":{\"provider\":\"irc\",\"to\":\"1\"}}",
        "{\"key\":\"k\",\"deliveryContext\":{\"channel\":\"telegram\",\"to\":\"  \"}}",
        "{\"lastChannel\":\"telegram\",\"lastTo\":\"1\"}",
        "\"not a row\"");
  }

  @Test
  void keepsTheThreadIdsType() {
    assertThat(
            Conversations.toConversation(
                    FakePort.parse(
                        "{\"key\":\"k\",\"lastChannel\":\"t\",\"lastTo\":\"1\",\"lastThreadId\":42}"))
                .orElseThrow()
                .get("threadId")
                .isNumber())
        .isTrue();
    assertThat(
            Conversations.toConversation(
                    FakePort.parse(
                        "{\"key\":\"k\",\"lastChannel\":\"t\",\"lastTo\":\"1\",\"lastThreadId\":\"42\"}"))
                .orElseThrow()
                .get("threadId")
                .isString())
        .isTrue();
  }
}
