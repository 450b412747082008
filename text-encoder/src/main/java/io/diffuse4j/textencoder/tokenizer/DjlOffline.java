package io.diffuse4j.textencoder.tokenizer;

/**
 * Keeps DJL from contacting the network: DJL's {@code Ec2Utils.callHome} queries the EC2 metadata
 * service and a telemetry URL whenever a Hugging Face tokenizer is created, unless
 * {@code OPT_OUT_TRACKING} or offline mode is set; offline mode also stops native-library
 * downloads. Called before anything of DJL's starts: the tokenizer, and DJL engines that run model
 * parts (which may load in parallel with the tokenizer).
 */
public final class DjlOffline {

  static final String TRACKING = "OPT_OUT_TRACKING";
  static final String OFFLINE_PROPERTY = "ai.djl.offline";
  static final String OFFLINE_ENV = "DJL_OFFLINE";

  private DjlOffline() {}

  /** Sets the two system properties unless the user chose (property or environment variable). */
  public static void ensure() {
    if (System.getProperty(TRACKING) == null && System.getenv(TRACKING) == null) {
      System.setProperty(TRACKING, "true");
    }
    if (System.getProperty(OFFLINE_PROPERTY) == null && System.getenv(OFFLINE_ENV) == null) {
      System.setProperty(OFFLINE_PROPERTY, "true");
    }
  }
}
