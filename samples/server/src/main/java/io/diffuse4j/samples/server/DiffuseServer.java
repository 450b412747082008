package io.diffuse4j.samples.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import java.util.function.Consumer;

/**
 * The diffuse4j HTTP server: one shared pipeline behind a bounded job queue, the AUTOMATIC1111
 * {@code /sdapi/v1} protocol, diffuse4j's job API with server-sent events under {@code /api}, and
 * the web studio at {@code /}.
 *
 * <pre>{@code
 * try (DiffuseServer server = DiffuseServer.start(ServerSettings.defaults().withPort(0))) {
 *   System.out.println("http://127.0.0.1:" + server.port() + "/");
 * }
 * }</pre>
 *
 * <p>Errors reach clients as JSON ({@code {"error": code, "detail": message, "field": name}}),
 * never as stack traces. Thread-safe; {@link #close()} stops taking jobs, cancels running ones and
 * closes the model.
 */
public final class DiffuseServer implements AutoCloseable {

  private final ModelHost models;
  private final JobQueue queue;
  private final Javalin app;

  private DiffuseServer(ServerSettings settings, Consumer<String> warnings) {
    ObjectMapper json = new ObjectMapper();
    this.models = new ModelHost(settings, warnings);
    this.queue = new JobQueue(models, settings.workers(), settings.maxQueue(), settings.keepJobs());
    A1111Api a1111 = new A1111Api(models, queue, json, settings);
    JobApi jobs = new JobApi(models, queue, json, settings);
    this.app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.http.maxRequestSize = settings.maxBodyBytes();
      config.staticFiles.add(sf -> {
        sf.hostedPath = "/";
        sf.directory = "/studio";
        sf.location = Location.CLASSPATH;
      });
      if (!settings.corsOrigins().isEmpty()) {
        config.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
          String first = settings.corsOrigins().get(0);
          rule.allowHost(first, settings.corsOrigins().subList(1, settings.corsOrigins().size()).toArray(String[]::new));
        }));
      }
      a1111.register(config.routes);
      jobs.register(config.routes);
      config.routes.exception(ApiException.class, (e, ctx) -> {
        if (e.status() == 429 || e.status() == 503) {
          ctx.header("Retry-After", "5");
        }
        ctx.status(e.status()).contentType("application/json").result(jobs.error(e).toString());
      });
      config.routes.exception(HttpResponseException.class, (e, ctx) -> ctx.status(e.getStatus())
          .contentType("application/json").result(errorJson(json, e.getStatus(), e.getStatus() == 413
              ? "The request body is larger than this server's limit of " + settings.maxBodyBytes() + " bytes"
              : e.getMessage())));
      config.routes.exception(Exception.class, (e, ctx) -> {
        ApiException a = JobQueue.translate(e);
        ctx.status(a.status()).contentType("application/json").result(jobs.error(a).toString());
      });
      config.routes.error(404, ctx -> {
        if (!ctx.result().isEmpty() && ctx.res().getContentType() != null
            && ctx.res().getContentType().startsWith("application/json")) {
          return;
        }
        ctx.contentType("application/json").result(errorJson(json, 404, "No such endpoint: " + ctx.method() + " "
            + ctx.path()));
      });
    });
    try {
      app.start(settings.host(), settings.port());
    } catch (RuntimeException e) {
      queue.close();
      models.close();
      throw e;
    }
  }

  private static String errorJson(ObjectMapper json, int status, String message) {
    ObjectNode o = json.createObjectNode();
    o.put("error", status == 413 ? "body_too_large" : status == 404 ? "not_found" : "http_" + status);
    o.put("detail", message == null || message.isBlank() ? "HTTP " + status : message);
    return o.toString();
  }

  /** Loads the model and starts listening; warnings (unknown words, plugin problems) go to stderr. */
  public static DiffuseServer start(ServerSettings settings) {
    return new DiffuseServer(settings, System.err::println);
  }

  /** Loads the model and starts listening, sending warnings to {@code warnings}. */
  public static DiffuseServer start(ServerSettings settings, Consumer<String> warnings) {
    return new DiffuseServer(settings, warnings);
  }

  /** The port it listens on. */
  public int port() {
    return app.port();
  }

  /** The name of the model being served. */
  public String model() {
    return models.current();
  }

  @Override
  public void close() {
    queue.close();
    app.stop();
    models.close();
  }
}
