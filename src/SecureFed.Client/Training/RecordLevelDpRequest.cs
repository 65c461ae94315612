namespace SecureFed.Client.Training;

/// <summary>Record-level DP-SGD of a <c>securefed train</c> call.</summary>
/// <param name="TargetEpsilon">The epsilon all planned rounds together may spend.</param>
/// <param name="Delta">The delta at which epsilon is given.</param>
/// <param name="ClipNorm">The L2 norm each example's gradient is clipped to.</param>
/// <param name="PlannedRounds">The rounds (calls) the noise is calibrated for.</param>
/// <param name="StateDirectory">The state folder that keeps the accountant.</param>
public sealed record RecordLevelDpRequest(
    double TargetEpsilon, double Delta, double ClipNorm, int PlannedRounds, string StateDirectory);
