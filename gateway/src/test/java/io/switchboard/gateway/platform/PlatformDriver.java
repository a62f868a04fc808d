package io.switchboard.gateway.platform;

import io.switchboard.gateway.GatewayFixture;

import java.util.List;
import java.util.function.Supplier;

/**
 * How {@link ChatPlatformContract} speaks one platform: a gateway on a fresh database with the
 * {@code acme} and {@code globex} tenants each holding one workspace of the platform, a loopback
 * stand-in of the platform's API, and requests signed the way the platform signs them. Users are
 * named {@code alice}, {@code bob} and {@code carol}; the driver maps them to the platform's ids.
 */
public interface PlatformDriver extends AutoCloseable {

  /** The gateway under test. */
  GatewayFixture fixture();

  /** The platform's name ({@code jobs.platform}, policy subjects). */
  String platform();

  /** The policy subject of {@code user} ({@code <platform>:user:<id>}). */
  String subject(String user);

  /** A command typed by {@code user} in {@code tenant}'s workspace; each {@link Delivery#send()} delivers it again. */
  Delivery command(String tenant, String user, String text);

  /**
   * A command typed in a workspace no tenant installed; answers the HTTP status (a 2xx only when the
   * platform's protocol demands one, and then nothing may run).
   */
  int commandFromUnknownWorkspace(String user, String text);

  /** {@code user} clicks Approve on approval {@code approvalId} of {@code tenant}'s card. */
  void approve(String tenant, String user, long approvalId);

  /**
   * The calls that gave the platform job {@code jobId}'s result, in order, each as the text it carried.
   * Where the platform edits messages, only edits of the job's own message count, so a result posted
   * as a new message instead is not a delivery.
   */
  List<String> resultDeliveries(String tenant, long jobId);

  /**
   * Every call that replaced job {@code jobId}'s own message (its acknowledgement, progress and result),
   * in order, each as the text it carried; empty where the command's job has no message of its own.
   */
  List<String> jobMessageEdits(String tenant, long jobId);

  /** Whether a command's job has a message of its own that progress replaces (a Slack slash command's has not). */
  default boolean showsProgress() {
    return true;
  }

  /**
   * The platform refuses its next call that would carry a result, once: with its rate limit (429 and
   * how long to wait) where it has one, else as a transient failure.
   */
  void refuseNextResultCall();

  /** Whether the platform has refused the call {@link #refuseNextResultCall()} asked it to refuse. */
  boolean resultCallRefused();

  /** One delivery of a command. */
  interface Delivery {

    /** Delivers it (again). */
    void send();

    /** What the user has been shown in answer so far (waits for the first answer). */
    String answer();

    /** A delivery that {@code send}s and reads its {@code answer} as given. */
    static Delivery of(Runnable send, Supplier<String> answer) {
      return new Delivery() {
        @Override
        public void send() {
          send.run();
        }

        @Override
        public String answer() {
          return answer.get();
        }
      };
    }
  }

  @Override
  void close();
}
