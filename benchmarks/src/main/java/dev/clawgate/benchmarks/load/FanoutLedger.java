package dev.clawgate.benchmarks.load;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Which fanout messages the gateway accepted and which each subscriber received, so a run can say
 * exactly how many deliveries were lost, duplicated or unexpected (received but never accepted).
 *
 * <p>Threading: {@link #posted} from any poster thread; {@link #received} for subscriber {@code s}
 * only from that subscriber's reader thread; {@link #summary} only after every reader has ended
 * (joined), which makes their bit sets visible.
 */
final class FanoutLedger {
  /**
   * The outcome.
   *
   * @param posted messages the gateway accepted (200)
   * @param subscribers subscribers
   * @param delivered distinct (subscriber, message) pairs received of the accepted messages
   * @param missing accepted messages a subscriber never received, summed over subscribers
   * @param duplicates messages a subscriber received more than once, counted per extra copy
   * @param unexpected messages received that were not (known to be) accepted
   * @param completeSubscribers subscribers that received every accepted message
   */
  record Summary(
      int posted,
      int subscribers,
      long delivered,
      long missing,
      long duplicates,
      long unexpected,
      int completeSubscribers) {}

  private final BitSet posted = new BitSet(); // guarded by this
  private final BitSet[] received;
  private final long[] duplicates;
  private final AtomicIntegerArray distinct;

  FanoutLedger(int subscribers) {
    received = new BitSet[subscribers];
    duplicates = new long[subscribers];
    for (int s = 0; s < subscribers; s++) {
      received[s] = new BitSet();
    }
    distinct = new AtomicIntegerArray(subscribers);
  }

  /** The gateway accepted message {@code seq}. */
  synchronized void posted(int seq) {
    posted.set(seq);
  }

  synchronized int postedCount() {
    return posted.cardinality();
  }

  /** Subscriber {@code subscriber} received message {@code seq} (its reader thread only). */
  void received(int subscriber, int seq) {
    BitSet mine = received[subscriber];
    if (mine.get(seq)) {
      duplicates[subscriber]++;
    } else {
      mine.set(seq);
      distinct.incrementAndGet(subscriber);
    }
  }

  /**
   * Whether every subscriber has received as many distinct messages as were accepted: a cheap
   * "probably done" for waiting; {@link #summary} is exact.
   */
  boolean seemsComplete() {
    int expected = postedCount();
    for (int s = 0; s < distinct.length(); s++) {
      if (distinct.get(s) < expected) {
        return false;
      }
    }
    return true;
  }

  synchronized Summary summary() {
    long delivered = 0;
    long missing = 0;
    long duplicated = 0;
    long unexpected = 0;
    int complete = 0;
    int accepted = posted.cardinality();
    for (int s = 0; s < received.length; s++) {
      BitSet got = (BitSet) received[s].clone();
      BitSet lost = (BitSet) posted.clone();
      lost.andNot(got);
      got.andNot(posted);
      missing += lost.cardinality();
      unexpected += got.cardinality();
      delivered += accepted - lost.cardinality();
      duplicated += duplicates[s];
      if (lost.isEmpty()) {
        complete++;
      }
    }
    return new Summary(
        accepted, received.length, delivered, missing, duplicated, unexpected, complete);
  }
}
