package dev.flyregistry.testing.apifixture;

/** Can be subclassed, so its protected members are part of the API. */
public class Open {
  /** For subclasses. */
  protected Open() {}

  /** Seen by subclasses. */
  protected okhttp3.Request request() {
    return null;
  }
}
