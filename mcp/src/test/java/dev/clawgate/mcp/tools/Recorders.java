package dev.clawgate.mcp.tools;

import dev.clawgate.mcp.server.Diagnostics;
import dev.clawgate.mcp.server.Notifier;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.node.ObjectNode;

/** A notifier and diagnostics that remember what they were given. */
final class Recorders {
  private Recorders() {}

  record Notification(String method, ObjectNode params) {}

  static final class RecordingNotifier implements Notifier {
    final List<Notification> sent = new CopyOnWriteArrayList<>();
    volatile boolean failing;

    @Override
    public void notify(String method, ObjectNode params) throws IOException {
      if (failing) {
        throw new IOException("stdout closed");
      }
      sent.add(new Notification(method, params.deepCopy()));
    }

    List<ObjectNode> params(String method) {
      return sent.stream()
          .filter(n -> n.method().equals(method))
          .map(Notification::params)
          .toList();
    }
  }

  static final class RecordingDiagnostics implements Diagnostics {
    final List<String> lines = new CopyOnWriteArrayList<>();
    final List<String> verboseLines = new CopyOnWriteArrayList<>();

    @Override
    public void line(String text) {
      lines.add(text);
    }

    @Override
    public void verbose(String text) {
      verboseLines.add(text);
    }

    @Override
    public boolean isVerbose() {
      return true;
    }
  }
}
