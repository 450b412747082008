package io.diffuse4j.plugins;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Enumeration;

/**
 * The class loader of one plugin jar. Classes load parent first, so the plugin shares the host's
 * {@code api}, {@code schedulers} and Guice classes; but service files
 * ({@code META-INF/services/...}) are looked up in the jar only, so a {@link java.util.ServiceLoader}
 * over this loader finds exactly the providers this jar declares, never the host's built-ins.
 */
final class PluginClassLoader extends URLClassLoader {

  private static final String SERVICES = "META-INF/services/";

  private final Path jar;
  private volatile boolean closed;

  PluginClassLoader(Path jar, URL url, ClassLoader parent) {
    super("plugin:" + jar.getFileName(), new URL[] {url}, parent);
    this.jar = jar;
  }

  /** The jar this loader reads. */
  Path jar() {
    return jar;
  }

  /**
   * Finds a class of the jar; once {@link LoadedPlugins#close()} closed this loader, says so
   * instead of a bare "class not found", since that is always a use-after-close bug of the host.
   */
  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    if (closed) {
      throw new ClassNotFoundException(name + ": the plugin jar " + jar + " was already closed (LoadedPlugins.close())"
          + " while its classes were still in use; close the plugins only after the pipeline and every"
          + " scheduler made from them");
    }
    return super.findClass(name);
  }

  @Override
  public void close() throws IOException {
    closed = true;
    super.close();
  }

  @Override
  public URL getResource(String name) {
    return name.startsWith(SERVICES) ? findResource(name) : super.getResource(name);
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    return name.startsWith(SERVICES) ? findResources(name) : super.getResources(name);
  }
}
