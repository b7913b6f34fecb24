package dev.clawgate.core.conversations;

/** Whether a conversation is with one peer or in a group (the session row's {@code kind}). */
public enum ChatType {
  /** A direct conversation with one peer. */
  DIRECT,
  /** A group, channel or forum (topics are threads inside it). */
  GROUP;

  /** The session row's {@code kind}. */
  public String kind() {
    return this == DIRECT ? "direct" : "group";
  }
}
