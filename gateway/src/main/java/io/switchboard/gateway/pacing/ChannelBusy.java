package io.switchboard.gateway.pacing;

/**
 * A channel's outbound queue is full: the call was not queued and nothing was sent. A job result
 * refused this way is still owed in the reply outbox and is offered again on a later sweep.
 */
public final class ChannelBusy extends RuntimeException {

  private final ChannelKey channel;
  private final int capacity;

  public ChannelBusy(ChannelKey channel, int capacity) {
    super("the outbound queue of " + channel.platform() + " channel " + channel.channel() + " is full ("
        + capacity + " waiting)", null, false, false);
    this.channel = channel;
    this.capacity = capacity;
  }

  public ChannelKey channel() {
    return channel;
  }

  public int capacity() {
    return capacity;
  }
}
