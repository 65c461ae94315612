namespace SecureFed.Simulator.Demo;

/// <summary>What one client's local training produced in a round.</summary>
/// <param name="Delta">Its trained parameters minus the global parameters it started from.</param>
/// <param name="Examples">The number of training rows it holds, its weight in the average.</param>
public sealed record ClientUpdate(float[] Delta, int Examples);
