package io.diffuse4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class NativeMemoryTest {

  private static long rssKb() throws Exception {
    for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.substring(6).trim().split("\\s+")[0]);
      }
    }
    throw new AssertionError("no VmRSS in /proc/self/status");
  }

  /**
   * As after a load on another thread: 128 MB malloc'ed and written there, then freed except the last
   * block (which keeps glibc from trimming the arena by itself); the release returns the free pages.
   */
  @Test
  @EnabledOnOs(OS.LINUX) // CI and the Debian machines the project is built on are Linux/glibc
  void freedMemoryOfAnotherThreadsArenaLeavesTheResidentSet() throws Exception {
    int blocks = 2048;
    long size = 64 * 1024;
    long[] ptrs = new long[blocks];
    Thread loader = new Thread(() -> {
      for (int i = 0; i < blocks; i++) {
        ptrs[i] = Native.malloc(size);
        new Pointer(ptrs[i]).setMemory(0, size, (byte) 1);
      }
      for (int i = 0; i < blocks - 1; i++) {
        Native.free(ptrs[i]);
      }
    });
    loader.start();
    loader.join();
    try {
      long before = rssKb();
      assertThat(NativeMemory.releaseFree()).isTrue();
      long after = rssKb();
      assertThat(before - after).as("RSS %d kB -> %d kB", before, after).isGreaterThan(64 * 1024);
    } finally {
      Native.free(ptrs[blocks - 1]);
    }
  }
}
