package dev.clawgate.core.conversations;

import java.util.Objects;
import java.util.Optional;

/**
 * A fact about a media attachment of a message (stored as {@code __openclaw.media}, not as a
 * content block): where it is and what it is, never its bytes.
 *
 * @param url where it can be fetched (e.g. {@code media://inbound/x.png} or an https URL)
 * @param contentType its MIME type
 * @param kind {@code image}, {@code audio}, {@code video} or {@code file}
 * @param fileName its file name, when known
 * @param sizeBytes its size, when known
 */
public record Media(
    String url,
    String contentType,
    String kind,
    Optional<String> fileName,
    Optional<Long> sizeBytes) {
  public Media {
    Objects.requireNonNull(url, "null url");
    Objects.requireNonNull(contentType, "null contentType");
    Objects.requireNonNull(kind, "null kind");
    Objects.requireNonNull(fileName, "null fileName");
    Objects.requireNonNull(sizeBytes, "null sizeBytes");
  }
}
