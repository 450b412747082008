package io.diffuse4j.samples.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A small JSON and server-sent-events client for the tests (java.net.http). */
final class Http {

  static final ObjectMapper JSON = new ObjectMapper();

  /** One response: status and parsed JSON body (null when not JSON). */
  record Reply(int status, String contentType, String body, JsonNode json) {}

  /** One server-sent event. */
  record Sse(String event, JsonNode data) {}

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;

  Http(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  String base() {
    return base;
  }

  Reply get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  Reply delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  Reply post(String path, Object body) {
    String s;
    try {
      s = body instanceof String str ? str : JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(s)));
  }

  Reply postBytes(String path, byte[] body) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  byte[] bytes(String path) {
    try {
      HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + new String(r.body()));
      }
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Reply send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = client.send(b.timeout(Duration.ofSeconds(120)).build(),
          HttpResponse.BodyHandlers.ofString());
      String ct = r.headers().firstValue("Content-Type").orElse("");
      JsonNode j = null;
      if (ct.startsWith("application/json")) {
        j = JSON.readTree(r.body());
      }
      return new Reply(r.statusCode(), ct, r.body(), j);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads a job's event stream until a terminal event, handing each event to {@code onEvent}
   * (which may act, e.g. cancel); returns all events in arrival order.
   */
  List<Sse> events(String jobId, Predicate<Sse> onEvent) {
    List<Sse> out = new ArrayList<>();
    try {
      HttpResponse<Stream<String>> r = client.send(HttpRequest.newBuilder(
          URI.create(base + "/api/jobs/" + jobId + "/events")).header("Accept", "text/event-stream")
          .timeout(Duration.ofSeconds(120)).GET().build(), HttpResponse.BodyHandlers.ofLines());
      String event = null;
      StringBuilder data = new StringBuilder();
      try (Stream<String> lines = r.body()) {
        Iterator<String> it = lines.iterator();
        while (it.hasNext()) {
          String line = it.next();
          if (line.startsWith("event:")) {
            event = line.substring(6).strip();
          } else if (line.startsWith("data:")) {
            data.append(line.substring(5).strip());
          } else if (line.isEmpty() && event != null) {
            Sse e = new Sse(event, JSON.readTree(data.toString()));
            out.add(e);
            onEvent.test(e);
            if (event.equals("done") || event.equals("failed") || event.equals("cancelled")) {
              break;
            }
            event = null;
            data.setLength(0);
          }
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
