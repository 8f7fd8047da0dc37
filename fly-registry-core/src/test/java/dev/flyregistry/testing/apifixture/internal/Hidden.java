package dev.flyregistry.testing.apifixture.internal;

/** Public, but in an internal package: not part of the API. */
public final class Hidden {
  /** A method that would leak if this type were exported. */
  public okhttp3.HttpUrl url() {
    return null;
  }
}
