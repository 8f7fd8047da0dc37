package dev.flyregistry.testing.apifixture;

/** Package-private: nothing here is part of the API. */
final class NotExported {
  public okhttp3.Request request() {
    return null;
  }

  /** Public, but enclosed by a package-private class. */
  public static final class Nested {
    public static int counter;
  }
}
