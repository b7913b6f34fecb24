package dev.clawgate.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The frames captured on loopback from the reference implementation (OpenClaw 2026.9.6, protocol
 * 4), copied from {@code shared/spec/frames} into the test resources so tests never reach outside
 * the module.
 */
public final class CapturedFrames {
  /** Every captured frame, by file name. */
  public static final List<String> ALL =
      List.of(
          "event-connect.challenge.json",
          "req-connect-with-device.json",
          "req-connect.json",
          "req-device.pair.list.json",
          "req-sessions.list.json",
          "req-sessions.subscribe.json",
          "res-connect-token-mismatch.json",
          "res-device.pair.list.json",
          "res-hello-ok.json",
          "res-sessions.list.json",
          "res-sessions.subscribe.json");

  private CapturedFrames() {}

  /** The text of one captured frame. */
  public static String read(String name) {
    try (InputStream in = CapturedFrames.class.getResourceAsStream("/frames/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource frames/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One captured frame, parsed. */
  public static Frame parse(String name) {
    return Frames.parse(read(name));
  }

  /** The request frame of a captured request. */
  public static RequestFrame request(String name) {
    return (RequestFrame) parse(name);
  }

  /** The response frame of a captured response. */
  public static ResponseFrame response(String name) {
    return (ResponseFrame) parse(name);
  }
}
