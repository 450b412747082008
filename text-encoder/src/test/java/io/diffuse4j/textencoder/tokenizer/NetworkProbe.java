package io.diffuse4j.textencoder.tokenizer;

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
import java.net.SocketImplFactory;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Run in its own JVM by {@link NoNetworkTest}: installs JVM-wide hooks that see every connection
 * attempt made through java.net, loads a tokenizer, tokenizes, and prints what it saw.
 *
 * <p>Hooks: {@link Socket#setSocketImplFactory} is consulted for every {@code java.net.Socket}
 * (plain, {@code Proxy.NO_PROXY} as DJL's telemetry uses, and SSL sockets, which extend Socket),
 * so {@code URL.openConnection} and raw sockets are caught at the socket; the factory's sockets
 * refuse to connect. {@link ServerSocket#setSocketFactory} does the same for listening sockets.
 * {@link ProxySelector#setDefault} sees every URL that {@code java.net.http.HttpClient} and
 * {@code URLConnection} (without an explicit proxy) are asked to open, before any DNS lookup.
 * The positive control then calls DJL's own telemetry ({@code Ec2Utils.callHome}) with tracking
 * allowed and checks that the hooks catch it, so a silent hook cannot make the test pass.
 * Not covered: sockets opened by native code (the Rust tokenizer reads only the JSON string it is
 * given) and raw NIO channels without a URL.
 */
public final class NetworkProbe {

  static final List<String> ATTEMPTS = new CopyOnWriteArrayList<>();

  private NetworkProbe() {}

  public static void main(String[] args) throws Exception {
    Socket.setSocketImplFactory(NetworkProbe::refusingSocket);
    ServerSocket.setSocketFactory(NetworkProbe::refusingSocket);
    ProxySelector.setDefault(new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        ATTEMPTS.add("url " + uri);
        return List.of(Proxy.NO_PROXY);
      }

      @Override
      public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
    });
    System.clearProperty("OPT_OUT_TRACKING");
    System.clearProperty("ai.djl.offline");

    try (ClipTokenizer tokenizer = ClipTokenizer.load(Path.of(args[0]))) {
      int[] ids = tokenizer.tokenize("a photograph of an astronaut riding a horse").ids();
      System.out.println("ids0=" + ids[0] + " ids1=" + ids[1]);
    }
    System.out.println("attempts=" + ATTEMPTS.size() + " " + ATTEMPTS);
    System.out.println("tracking=" + System.getProperty("OPT_OUT_TRACKING") + " offline=" + System.getProperty("ai.djl.offline"));

    // positive control: DJL's telemetry, its check-in made due again, must be caught by the hooks
    java.lang.reflect.Field lastCheckIn = ai.djl.util.Ec2Utils.class.getDeclaredField("lastCheckIn");
    lastCheckIn.setAccessible(true);
    lastCheckIn.setLong(null, 0L);
    ATTEMPTS.clear();
    ai.djl.util.Ec2Utils.callHome("probe");
    try (Socket s = new Socket()) {
      s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 9), 200);
    } catch (IOException expected) {
      // the refusing socket
    }
    System.out.println("control=" + ATTEMPTS.size() + " " + ATTEMPTS);
  }

  private static SocketImpl refusingSocket() {
    String caller = java.util.Arrays.stream(new Throwable().getStackTrace())
        .filter(f -> f.getClassName().startsWith("ai.djl") || f.getClassName().startsWith("io.diffuse4j"))
        .filter(f -> !f.getMethodName().equals("refusingSocket"))
        .findFirst().map(StackTraceElement::toString).orElse("unknown caller");
    ATTEMPTS.add("socket from " + caller);
    return new SocketImpl() {
      @Override
      protected void create(boolean stream) throws IOException {
        throw new IOException("network blocked by NetworkProbe");
      }

      @Override
      protected void connect(String host, int port) throws IOException {
        throw new IOException("network blocked by NetworkProbe");
      }

      @Override
      protected void connect(InetAddress address, int port) throws IOException {
        throw new IOException("network blocked by NetworkProbe");
      }

      @Override
      protected void connect(SocketAddress address, int timeout) throws IOException {
        throw new IOException("network blocked by NetworkProbe");
      }

      @Override
      protected void bind(InetAddress host, int port) throws IOException {
        throw new IOException("network blocked by NetworkProbe");
      }

      @Override
      protected void listen(int backlog) throws IOException {
        throw new IOException("network blocked by NetworkProbe");
      }

      @Override
      protected void accept(SocketImpl s) throws IOException {
        throw new IOException("network blocked by NetworkProbe");
      }

      @Override
      protected InputStream getInputStream() throws IOException {
        throw new IOException("network blocked by NetworkProbe");
      }

      @Override
      protected OutputStream getOutputStream() throws IOException {
        throw new IOException("network blocked by NetworkProbe");
      }

      @Override
      protected int available() {
        return 0;
      }

      @Override
      protected void close() {}

      @Override
      protected void sendUrgentData(int data) throws IOException {
        throw new IOException("network blocked by NetworkProbe");
      }

      @Override
      public void setOption(int optID, Object value) {}

      @Override
      public Object getOption(int optID) {
        return null;
      }
    };
  }
}
