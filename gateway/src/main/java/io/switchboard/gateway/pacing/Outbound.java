package io.switchboard.gateway.pacing;

/** What an outbound platform call is, which decides what a full queue does with it. */
public enum Outbound {
  /** A new message (an acknowledgement or an answer). Refused with {@link ChannelBusy} when the queue is full. */
  POST,
  /** A progress edit of a job's message: replaced by a later edit of the same message; dropped when the queue is full. */
  PROGRESS,
  /** A job's result (a post or an edit). Refused with {@link ChannelBusy} when the queue is full, never dropped. */
  RESULT
}
