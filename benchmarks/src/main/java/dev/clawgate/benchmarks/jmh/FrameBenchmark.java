package dev.clawgate.benchmarks.jmh;

import dev.clawgate.protocol.AuthParams;
import dev.clawgate.protocol.ConnectParams;
import dev.clawgate.protocol.EventFrame;
import dev.clawgate.protocol.Frame;
import dev.clawgate.protocol.Frames;
import dev.clawgate.protocol.HelloOk;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.RequestFrame;
import dev.clawgate.protocol.ResponseFrame;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON work of one handshake on the gateway: writing the challenge, parsing the connect request
 * (frame, then params, as {@code Handshake} does), and writing hello-ok; plus the two random UUIDs
 * each connection draws (nonce and connection id).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FrameBenchmark {
  private final String tokenConnect =
      HandshakeSamples.request(
          HandshakeSamples.unsigned(AuthParams.none().withToken(HandshakeSamples.TOKEN)));
  private final String signedConnect =
      HandshakeSamples.request(
          HandshakeSamples.signed(
              HandshakeSamples.unsigned(AuthParams.none().withToken(HandshakeSamples.TOKEN)),
              DeviceIdentity.generate(),
              UUID.randomUUID().toString(),
              System.currentTimeMillis()));
  private final HelloOk hello = HandshakeSamples.hello(UUID.randomUUID().toString());

  @Benchmark
  public String writeChallenge() {
    ObjectNode challenge = Json.mapper().createObjectNode();
    challenge.put("nonce", "0b7c1f3e-8d2a-4c55-9a61-2f4e8b9d7a10");
    challenge.put("ts", 1_764_000_000_000L);
    return Frames.write(
        new EventFrame(
            "connect.challenge", Optional.of(challenge), Optional.empty(), Optional.empty()));
  }

  @Benchmark
  public ConnectParams parseTokenConnect() {
    return parseConnect(tokenConnect);
  }

  @Benchmark
  public ConnectParams parseSignedConnect() {
    return parseConnect(signedConnect);
  }

  @Benchmark
  public String writeHelloOk() {
    return Frames.write(ResponseFrame.success("c1", hello.toNode()));
  }

  @Benchmark
  public UUID randomUuid() {
    return UUID.randomUUID();
  }

  private static ConnectParams parseConnect(String text) {
    Frame frame = Frames.parse(text);
    if (!(frame instanceof RequestFrame request)) {
      throw new IllegalStateException("not a request: " + text);
    }
    return ConnectParams.parse(request.params());
  }
}
