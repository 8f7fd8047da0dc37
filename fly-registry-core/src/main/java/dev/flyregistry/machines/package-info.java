/**
 * The Machines API client ({@code https://api.machines.dev/v1}): create, look up, list and delete
 * apps (with generated names), read machines, take and release leases, and deploy an image to every
 * machine of an app while recording the release.
 *
 * <p>Start with {@link dev.flyregistry.machines.MachinesClient#builder()}.
 */
package dev.flyregistry.machines;
