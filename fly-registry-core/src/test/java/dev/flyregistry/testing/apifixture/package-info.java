/** Classes with known API faults, for {@code ApiSurfaceTest} to find. Not used elsewhere. */
package dev.flyregistry.testing.apifixture;
