package io.switchboard.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One scrape of a node's {@code /metrics}, parsed from the Prometheus text format into samples
 * (name, labels). What the metrics tests, the alert rules' test and the dashboard's test compare
 * against: the names a running node really exports.
 */
record Scrape(List<Sample> samples) {

  /** One sample line: its full name ({@code _total}, {@code _bucket} ... included) and labels. */
  record Sample(String name, Map<String, String> labels, String value) {
  }

  static Scrape fetch(String baseUrl) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(baseUrl + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("/metrics answered " + response.statusCode());
      }
      return parse(response.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Scrape parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      if (brace < 0 || brace > space) {
        samples.add(new Sample(line.substring(0, line.indexOf(' ')), Map.of(), line.substring(space + 1)));
        continue;
      }
      int close = line.lastIndexOf('}');
      samples.add(new Sample(line.substring(0, brace), labels(line.substring(brace + 1, close)),
          line.substring(close + 1).trim()));
    }
    return new Scrape(samples);
  }

  /** Parses {@code a="x",b="y \" z"} (label values may hold escaped quotes, backslashes and newlines). */
  private static Map<String, String> labels(String text) {
    Map<String, String> labels = new LinkedHashMap<>();
    int i = 0;
    while (i < text.length()) {
      int equals = text.indexOf('=', i);
      String key = text.substring(i, equals).trim();
      StringBuilder value = new StringBuilder();
      int j = equals + 2;
      while (text.charAt(j) != '"') {
        char c = text.charAt(j);
        if (c == '\\') {
          char next = text.charAt(++j);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(c);
        }
        j++;
      }
      labels.put(key, value.toString());
      i = j + 1;
      if (i < text.length() && text.charAt(i) == ',') {
        i++;
      }
    }
    return labels;
  }

  /** Every sample name. */
  Set<String> names() {
    return samples.stream().map(Sample::name).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The samples of one name. */
  List<Sample> series(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  /** The values one label takes across the samples of names starting with {@code prefix}. */
  Set<String> labelValues(String prefix, String label) {
    return samples.stream().filter(s -> s.name().startsWith(prefix) && s.labels().containsKey(label))
        .map(s -> s.labels().get(label)).collect(Collectors.toCollection(TreeSet::new));
  }
}
