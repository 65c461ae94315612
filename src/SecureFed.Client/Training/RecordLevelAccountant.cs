// The record-level accountant of `securefed train` (DP-SGD, Abadi et al., CCS 2016, accounted
// as the Poisson-subsampled Gaussian mechanism with the RDP accountant of SecureFed.Privacy at
// the integer orders of DpSgdAccounting). Each call to `securefed train` is a new process with
// a new LocalTrainer, whose own accountant forgets what earlier calls spent; this one keeps the
// steps of every call in record-dp.json in the client's state folder. The noise multiplier is
// calibrated once, at the first call, for the planned rounds of that call's steps, and then kept
// so that every round adds the same noise. The file holds parameters, never a running total,
// is replaced atomically (mode 0600), and is refused when it looks edited.

using System.Globalization;
using System.Text.Json;
using SecureFed.Client.State;
using SecureFed.Privacy.Accounting;
using SecureFed.Training.Privacy;

namespace SecureFed.Client.Training;

/// <summary>
/// The record-level DP-SGD budget this client keeps across <c>securefed train</c> calls: a
/// target epsilon at a delta, the noise multiplier calibrated for it, and the steps taken.
/// </summary>
public sealed class RecordLevelAccountant
{
    /// <summary>The accountant's file name inside the state folder.</summary>
    public const string FileName = "record-dp.json";

    private const long MaxFileLength = 16L << 20;
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    // Calibration meets the target for all planned steps composed at once; composing them
    // call by call adds the same per-order terms in another order, which may round a last
    // ulp upwards. The slack forgives that rounding and nothing a real step could spend.
    private const double RoundingSlack = 1e-9;

    private RecordLevelDpFile _file;

    private RecordLevelAccountant(string filePath, RecordLevelDpFile file)
    {
        FilePath = filePath;
        _file = file;
    }

    /// <summary>The accountant's file.</summary>
    public string FilePath { get; }

    /// <summary>The epsilon all planned rounds together may spend.</summary>
    public double TargetEpsilon => _file.TargetEpsilon;

    /// <summary>The delta at which every epsilon is given.</summary>
    public double Delta => _file.Delta;

    /// <summary>The rounds the noise multiplier was calibrated for.</summary>
    public int PlannedRounds => _file.PlannedRounds;

    /// <summary>The noise multiplier of every step.</summary>
    public double NoiseMultiplier => _file.NoiseMultiplier;

    /// <summary>The steps taken so far, oldest call first.</summary>
    public IReadOnlyList<DpSgdSteps> Steps => _file.Steps.AsReadOnly();

    /// <summary>
    /// Loads the accountant of <paramref name="stateDirectory"/>, or plans a new one (written
    /// only by the first <see cref="TryCharge"/>) when the folder holds none: its noise
    /// multiplier is calibrated so that <paramref name="plannedRounds"/> rounds of
    /// <paramref name="stepsPerRound"/> steps at <paramref name="sampleRate"/> spend
    /// <paramref name="targetEpsilon"/>. Nothing is written.
    /// </summary>
    /// <exception cref="ArgumentException">The folder's accountant was set up with another
    /// target, delta or number of rounds, or the target cannot be met.</exception>
    /// <exception cref="InvalidDataException">The file is corrupt or looks edited.</exception>
    public static RecordLevelAccountant OpenOrPlan(
        string stateDirectory,
        double targetEpsilon,
        double delta,
        int plannedRounds,
        double sampleRate,
        int stepsPerRound)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateDirectory);
        string path = Path.Combine(Path.GetFullPath(stateDirectory), FileName);
        if (File.Exists(path))
        {
            var existing = new RecordLevelAccountant(path, Read(path));
            existing.RequireSamePlan(targetEpsilon, delta, plannedRounds);
            return existing;
        }

        int plannedSteps;
        try
        {
            plannedSteps = checked(plannedRounds * stepsPerRound);
        }
        catch (OverflowException)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{plannedRounds} rounds of {stepsPerRound} steps are too many to plan."));
        }

        double multiplier;
        try
        {
            multiplier = DpSgdAccounting.NoiseMultiplierFor(
                targetEpsilon, delta, sampleRate, plannedSteps);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"No noise multiplier meets epsilon {targetEpsilon} at delta {delta} over "
                + $"{plannedSteps} steps: {e.Message}"), e);
        }

        var file = new RecordLevelDpFile(
            RecordLevelDpFile.CurrentFormat, targetEpsilon, delta, plannedRounds, plannedSteps,
            multiplier, []);
        return new RecordLevelAccountant(path, file);
    }

    /// <summary>The epsilon spent by the steps taken so far, at <see cref="Delta"/>.</summary>
    public double EpsilonSpent() => Epsilon(_file.Steps);

    /// <summary>The epsilon that would be spent if <paramref name="next"/> were taken too.
    /// Nothing changes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter of the steps is out of
    /// range.</exception>
    public double EpsilonIf(DpSgdSteps next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return Epsilon([.. _file.Steps, next]);
    }

    /// <summary>Whether an epsilon stays within the target.</summary>
    public bool Allows(double epsilon) => epsilon <= TargetEpsilon * (1 + RoundingSlack);

    /// <summary>
    /// Charges <paramref name="next"/> and saves the file, unless it would take the epsilon
    /// spent past the target; a refusal changes nothing. The file is reread under a lock
    /// first, so steps charged by another process count.
    /// </summary>
    /// <param name="next">The steps about to be taken.</param>
    /// <param name="epsilonAfter">The epsilon spent with <paramref name="next"/> counted.</param>
    /// <returns>Whether the steps were charged.</returns>
    /// <exception cref="InvalidDataException">The file has become corrupt, or another process
    /// set it up with another noise multiplier meanwhile.</exception>
    /// <exception cref="IOException">The file cannot be locked or written.</exception>
    public bool TryCharge(DpSgdSteps next, out double epsilonAfter)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (next.NoiseMultiplier != NoiseMultiplier)
        {
            throw new ArgumentException("The steps must use the accountant's noise multiplier.");
        }

        string folder = Path.GetDirectoryName(FilePath)!;
        StateDirectory.CreatePrivateFolder(folder);
        using FileStream guard = StateDirectory.LockFile(FilePath, LockTimeout);

        RecordLevelDpFile current = _file;
        if (File.Exists(FilePath))
        {
            current = Read(FilePath);
            if (current.NoiseMultiplier != _file.NoiseMultiplier
                || current.TargetEpsilon != _file.TargetEpsilon
                || current.Delta != _file.Delta)
            {
                throw new InvalidDataException(
                    $"{FilePath} was set up by another call meanwhile; run this one again.");
            }
        }

        List<DpSgdSteps> steps = [.. current.Steps, next];
        epsilonAfter = Epsilon(steps);
        if (!Allows(epsilonAfter))
        {
            _file = current;
            return false;
        }

        RecordLevelDpFile after = current with { Steps = steps };
        StateDirectory.ReplaceAtomically(
            FilePath,
            JsonSerializer.SerializeToUtf8Bytes(after, RecordLevelDpFile.Options),
            UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _file = after;
        return true;
    }

    private void RequireSamePlan(double targetEpsilon, double delta, int plannedRounds)
    {
        if (targetEpsilon != TargetEpsilon || delta != Delta || plannedRounds != PlannedRounds)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{FilePath} was set up for epsilon {TargetEpsilon} at delta {Delta} over "
                + $"{PlannedRounds} rounds; this call asks for epsilon {targetEpsilon} at delta "
                + $"{delta} over {plannedRounds}. A record-level budget is fixed once spent from."));
        }
    }

    private double Epsilon(List<DpSgdSteps> steps)
    {
        if (steps.Count == 0)
        {
            return 0;
        }

        var accountant = new RdpAccountant(DpSgdAccounting.Orders);
        foreach (DpSgdSteps call in steps)
        {
            accountant.ComposePoissonSampledGaussian(
                call.NoiseMultiplier, call.SampleRate, call.Steps);
        }

        return accountant.GetEpsilon(Delta).Epsilon;
    }

    private static RecordLevelDpFile Read(string path)
    {
        RecordLevelDpFile? file;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            if (stream.Length > MaxFileLength)
            {
                throw Bad(path, $"it is {stream.Length} bytes long, more than it can be.");
            }

            if (!OperatingSystem.IsWindows())
            {
                UnixFileMode mode = File.GetUnixFileMode(stream.SafeFileHandle);
                if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
                {
                    throw Bad(path, "other users may write it; restore its mode with chmod 600.");
                }
            }

            try
            {
                file = JsonSerializer.Deserialize<RecordLevelDpFile>(stream, RecordLevelDpFile.Options);
            }
            catch (JsonException e)
            {
                throw Bad(path, $"it is not a record-level accountant: {e.Message}");
            }
        }

        if (file is null)
        {
            throw Bad(path, "it holds null instead of an accountant.");
        }

        Validate(path, file);
        return file;
    }

    private static void Validate(string path, RecordLevelDpFile file)
    {
        if (file.Format != RecordLevelDpFile.CurrentFormat)
        {
            throw Bad(path, $"its format is {file.Format}; this client reads "
                + $"{RecordLevelDpFile.CurrentFormat}.");
        }

        if (!(double.IsFinite(file.TargetEpsilon) && file.TargetEpsilon > 0)
            || !(file.Delta > 0 && file.Delta < 1)
            || file.PlannedRounds < 1
            || file.PlannedSteps < 1
            || !(double.IsFinite(file.NoiseMultiplier) && file.NoiseMultiplier > 0))
        {
            throw Bad(path, "its target, delta, plan or noise multiplier is out of range.");
        }

        var accountant = new RdpAccountant(DpSgdAccounting.Orders);
        for (int i = 0; i < file.Steps.Count; i++)
        {
            DpSgdSteps? call = file.Steps[i];
            if (call is null || call.NoiseMultiplier != file.NoiseMultiplier)
            {
                throw Bad(path, $"call {i} is missing or has another noise multiplier.");
            }

            try
            {
                accountant.ComposePoissonSampledGaussian(
                    call.NoiseMultiplier, call.SampleRate, call.Steps);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw Bad(path, $"call {i} is out of range: {e.Message}");
            }
        }
    }

    private static InvalidDataException Bad(string path, string problem) =>
        new($"{path}: the record-level accountant is refused: {problem} It was left as it is.");
}
