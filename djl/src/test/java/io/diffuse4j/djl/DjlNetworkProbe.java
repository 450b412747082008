package io.diffuse4j.djl;

import io.diffuse4j.api.pipeline.DiffusionPipeline;
import io.diffuse4j.api.pipeline.GenerationRequest;
import io.diffuse4j.pipelines.Diffusion;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketImpl;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Run in its own JVM by {@link PyTorchEngineTest} (as the pipelines' network probe, with the PyTorch engine): installs JVM-wide hooks that see every
 * connection attempt made through java.net (every {@code Socket}, server socket and proxy
 * selection), loads a model folder, generates an image, and prints what the hooks saw; then a
 * positive control (a raw socket connect) proves the hooks work.
 */
public final class DjlNetworkProbe {

  static final List<String> ATTEMPTS = new CopyOnWriteArrayList<>();

  private DjlNetworkProbe() {}

  /** Argument: the model folder. */
  public static void main(String[] args) throws Exception {
    Socket.setSocketImplFactory(DjlNetworkProbe::refusing);
    ServerSocket.setSocketFactory(DjlNetworkProbe::refusing);
    ProxySelector.setDefault(new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        ATTEMPTS.add("url " + uri);
        return List.of(Proxy.NO_PROXY);
      }

      @Override
      public void connectFailed(URI uri, SocketAddress sa, IOException ioe) { }
    });
    try (DiffusionPipeline p = Diffusion.builder().model(Path.of(args[0])).engine("PyTorch")
        .warnings(w -> { }).load()) {
      int n = p.generate(GenerationRequest.builder("a red circle").steps(2).scheduler("ddim").build()).images().size();
      System.out.println("images=" + n);
    }
    System.out.println("attempts=" + ATTEMPTS.size() + " " + ATTEMPTS);
    ATTEMPTS.clear();
    try (Socket s = new Socket()) {
      s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 9), 200);
    } catch (IOException expected) {
      // refused by the hook
    }
    System.out.println("control=" + ATTEMPTS.size());
  }

  private static SocketImpl refusing() {
    return new SocketImpl() {
      @Override
      protected void create(boolean stream) { }

      @Override
      protected void connect(String host, int port) throws IOException {
        ATTEMPTS.add("socket " + host + ":" + port);
        throw new IOException("network disabled by the probe");
      }

      @Override
      protected void connect(InetAddress address, int port) throws IOException {
        connect(address.toString(), port);
      }

      @Override
      protected void connect(SocketAddress address, int timeout) throws IOException {
        connect(address.toString(), 0);
      }

      @Override
      protected void bind(InetAddress host, int port) throws IOException {
        ATTEMPTS.add("bind " + host + ":" + port);
        throw new IOException("network disabled by the probe");
      }

      @Override
      protected void listen(int backlog) { }

      @Override
      protected void accept(SocketImpl s) throws IOException {
        throw new IOException("network disabled by the probe");
      }

      @Override
      protected InputStream getInputStream() throws IOException {
        throw new IOException("network disabled by the probe");
      }

      @Override
      protected OutputStream getOutputStream() throws IOException {
        throw new IOException("network disabled by the probe");
      }

      @Override
      protected int available() {
        return 0;
      }

      @Override
      protected void close() { }

      @Override
      protected void sendUrgentData(int data) { }

      @Override
      public void setOption(int optID, Object value) { }

      @Override
      public Object getOption(int optID) {
        return null;
      }
    };
  }
}
