package io.switchboard.testkit;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints, on the console, every test or test class that did not run and why: an assumption that
 * failed (a real binary such as {@code prometheus} is missing) or a {@code @Disabled}. Surefire
 * only counts skipped tests and keeps their reasons in its XML report, where nobody reads them.
 * Registered for the tests of every module that uses the test kit, through {@code META-INF/services} in
 * the kit's jar.
 */
public final class SkippedTestsReport implements TestExecutionListener {

  @Override
  public void executionSkipped(TestIdentifier test, String reason) {
    report(test, reason);
  }

  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
      report(test, result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
    }
  }

  private static void report(TestIdentifier test, String reason) {
    System.out.println("[SKIPPED] " + (test.isContainer() ? "all tests of " : "") + name(test) + ": " + reason);
  }

  /** The class and method, as {@code SomeTest.someMethod}, whatever the display names say. */
  private static String name(TestIdentifier test) {
    String id = test.getUniqueId();
    String className = segment(id, "[class:");
    String method = segment(id, "[method:");
    if (className == null) {
      return test.getDisplayName();
    }
    String simple = className.substring(className.lastIndexOf('.') + 1);
    return method == null ? simple : simple + "." + method.replaceFirst("\\(.*", "");
  }

  private static String segment(String id, String marker) {
    int start = id.indexOf(marker);
    if (start < 0) {
      return null;
    }
    int end = id.indexOf(']', start);
    return end < 0 ? null : id.substring(start + marker.length(), end);
  }
}
