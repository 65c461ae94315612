// A client's own privacy budget (DESIGN.md, "Differential privacy": each client refuses a
// round that would exceed its own budget, computed by itself). The rounds charged so far are
// kept in a JSON file in the client's state folder and recomposed with SecureFed.Privacy's
// accountants on every question, so the file holds parameters, never a running total that could
// drift from them. The file is replaced atomically (a temporary file, flushed, then renamed over
// it), is readable by its owner only (mode 0600), and is refused when it looks edited: unknown,
// missing or repeated fields, values out of range, a round twice, or a mode that lets others
// write it.

using System.Globalization;
using System.Text.Json;
using SecureFed.Client.State;
using SecureFed.Privacy.Accounting;
using SecureFed.Privacy.Accounting.Pld;

namespace SecureFed.Client.Budget;

/// <summary>
/// The privacy budget this client keeps for itself: a limit (epsilon, delta) and the rounds
/// already spent. Not thread-safe; separate processes are serialised by a lock file.
/// </summary>
public sealed class LocalBudget
{
    /// <summary>The budget file's name inside the state folder.</summary>
    public const string FileName = "budget.json";

    /// <summary>The longest an id may be.</summary>
    public const int MaxIdLength = 256;

    private const long MaxFileLength = 64L << 20;
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    private List<RoundMechanism> _rounds;

    private LocalBudget(
        string filePath, double epsilon, double delta, BudgetAccountant accountant,
        List<RoundMechanism> rounds)
    {
        FilePath = filePath;
        EpsilonLimit = epsilon;
        Delta = delta;
        Accountant = accountant;
        _rounds = rounds;
    }

    /// <summary>The budget file.</summary>
    public string FilePath { get; }

    /// <summary>The most epsilon this client will spend, at <see cref="Delta"/>.</summary>
    public double EpsilonLimit { get; }

    /// <summary>The delta at which every epsilon is given.</summary>
    public double Delta { get; }

    /// <summary>How the rounds are turned into an epsilon.</summary>
    public BudgetAccountant Accountant { get; }

    /// <summary>The rounds charged, oldest first.</summary>
    public IReadOnlyList<RoundMechanism> Rounds => _rounds.AsReadOnly();

    /// <summary>
    /// Creates the budget file in <paramref name="stateDirectory"/> (made, mode 0700, if it does
    /// not exist), with no round spent.
    /// </summary>
    /// <param name="stateDirectory">The client's state folder.</param>
    /// <param name="epsilon">The epsilon limit; positive and finite.</param>
    /// <param name="delta">The delta of the limit; in (0, 1).</param>
    /// <param name="accountant">How rounds are turned into an epsilon.</param>
    /// <returns>The new budget.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A limit is out of range.</exception>
    /// <exception cref="IOException">The folder already holds a budget file, or cannot be
    /// written.</exception>
    public static LocalBudget Create(
        string stateDirectory, double epsilon, double delta,
        BudgetAccountant accountant = BudgetAccountant.Rdp)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateDirectory);
        if (!double.IsFinite(epsilon) || epsilon <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(epsilon), epsilon, "The epsilon limit must be positive and finite.");
        }

        if (!(delta > 0 && delta < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "Delta must lie in (0, 1).");
        }

        if (!Enum.IsDefined(accountant))
        {
            throw new ArgumentOutOfRangeException(nameof(accountant), accountant, "Unknown accountant.");
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(stateDirectory);
        }
        else
        {
            Directory.CreateDirectory(
                stateDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        string path = Path.Combine(Path.GetFullPath(stateDirectory), FileName);
        var budget = new LocalBudget(path, epsilon, delta, accountant, []);
        if (File.Exists(path))
        {
            throw new IOException($"{path} exists already; a budget is created only once.");
        }

        budget.Write(budget._rounds, overwrite: false);
        return budget;
    }

    /// <summary>Loads the budget file of <paramref name="stateDirectory"/>.</summary>
    /// <param name="stateDirectory">The client's state folder.</param>
    /// <returns>The budget.</returns>
    /// <exception cref="FileNotFoundException">The folder holds no budget file.</exception>
    /// <exception cref="InvalidDataException">The file is corrupt or looks edited; the message
    /// names it and what is wrong.</exception>
    public static LocalBudget Load(string stateDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateDirectory);
        return Read(Path.Combine(Path.GetFullPath(stateDirectory), FileName));
    }

    /// <summary>The epsilon spent by the rounds charged, at <see cref="Delta"/>.</summary>
    public double EpsilonSpent() => Epsilon(_rounds);

    /// <summary>What is left of the limit; never negative.</summary>
    public double EpsilonRemaining() => Math.Max(0, EpsilonLimit - EpsilonSpent());

    /// <summary>The epsilon that would be spent if <paramref name="next"/> were charged too.
    /// Nothing changes.</summary>
    /// <param name="next">The round.</param>
    /// <returns>Epsilon at <see cref="Delta"/>.</returns>
    /// <exception cref="ArgumentException">The round's ids or parameters are out of
    /// range.</exception>
    public double EpsilonIf(RoundMechanism next)
    {
        CheckRound(next);
        return Epsilon([.. _rounds, next]);
    }

    /// <summary>
    /// Charges <paramref name="next"/> and saves the file, unless the round has been charged
    /// already or would take the epsilon spent past the limit; a refusal changes nothing. The
    /// file is reread under a lock first, so rounds charged by another process count.
    /// </summary>
    /// <param name="next">The round.</param>
    /// <param name="decision">What was decided, with the epsilons before and after.</param>
    /// <returns>Whether the round was charged.</returns>
    /// <exception cref="ArgumentException">The round's ids or parameters are out of
    /// range.</exception>
    /// <exception cref="InvalidDataException">The file has become corrupt since it was
    /// loaded.</exception>
    /// <exception cref="IOException">The file cannot be locked or written; nothing was
    /// charged.</exception>
    public bool TryCharge(RoundMechanism next, out BudgetDecision decision)
    {
        CheckRound(next);
        _ = Epsilon([next]);

        using FileStream guard = StateDirectory.LockFile(FilePath, LockTimeout);
        List<RoundMechanism> rounds = Read(FilePath)._rounds;
        double before = Epsilon(rounds);
        if (rounds.Exists(r => SameRound(r, next)))
        {
            _rounds = rounds;
            decision = new BudgetDecision(BudgetRefusal.AlreadyCharged, before, before, EpsilonLimit, Delta);
            return false;
        }

        List<RoundMechanism> after = [.. rounds, next];
        double epsilon = Epsilon(after);
        if (!(epsilon <= EpsilonLimit))
        {
            _rounds = rounds;
            decision = new BudgetDecision(BudgetRefusal.ExceedsLimit, before, epsilon, EpsilonLimit, Delta);
            return false;
        }

        Write(after, overwrite: true);
        _rounds = after;
        decision = new BudgetDecision(BudgetRefusal.None, before, epsilon, EpsilonLimit, Delta);
        return true;
    }

    private double Epsilon(List<RoundMechanism> rounds)
    {
        if (rounds.Count == 0)
        {
            return 0;
        }

        var accountant = new RdpAccountant();
        foreach (RoundMechanism round in rounds)
        {
            round.ComposeInto(accountant);
        }

        double epsilon = accountant.GetEpsilon(Delta).Epsilon;
        if (Accountant == BudgetAccountant.Pld && TryPldEpsilon(rounds, Delta, out double pld))
        {
            epsilon = Math.Min(epsilon, pld);
        }

        return epsilon;
    }

    /// <summary>PLD epsilon of rounds that are all one Gaussian-family mechanism, or all one
    /// unsampled Laplace mechanism; false for any other mix.</summary>
    private static bool TryPldEpsilon(List<RoundMechanism> rounds, double delta, out double epsilon)
    {
        epsilon = double.PositiveInfinity;
        try
        {
            if (rounds.TrueForAll(r => r is LaplaceRound { SampleRate: 1.0 }))
            {
                double scale = ((LaplaceRound)rounds[0]).NoiseMultiplier;
                if (rounds.TrueForAll(r => ((LaplaceRound)r).NoiseMultiplier == scale))
                {
                    epsilon = PldAccountant.LaplaceEpsilon(scale, rounds.Count, delta);
                    return true;
                }

                return false;
            }

            (double Z, double Q, int Steps)? first = GaussianFamily(rounds[0]);
            if (first is null)
            {
                return false;
            }

            long steps = 0;
            foreach (RoundMechanism round in rounds)
            {
                (double Z, double Q, int Steps)? g = GaussianFamily(round);
                if (g is null || g.Value.Z != first.Value.Z || g.Value.Q != first.Value.Q)
                {
                    return false;
                }

                steps += g.Value.Steps;
            }

            if (steps > int.MaxValue)
            {
                return false;
            }

            epsilon = PldAccountant.Epsilon(first.Value.Z, first.Value.Q, (int)steps, delta);
            return true;
        }
        catch (InvalidOperationException)
        {
            // The PLD grid would be too large; Rényi DP still bounds the rounds.
            return false;
        }
    }

    private static (double Z, double Q, int Steps)? GaussianFamily(RoundMechanism round) => round switch
    {
        GaussianRound g => (g.NoiseMultiplier, 1.0, 1),
        DpSgdRound s => (s.NoiseMultiplier, s.SampleRate, s.Steps),
        _ => null,
    };

    private static bool SameRound(RoundMechanism a, RoundMechanism b) =>
        string.Equals(a.FederationId, b.FederationId, StringComparison.Ordinal)
        && string.Equals(a.RoundId, b.RoundId, StringComparison.Ordinal);

    private static void CheckRound(RoundMechanism round)
    {
        ArgumentNullException.ThrowIfNull(round);
        CheckId(round.FederationId, nameof(round.FederationId));
        CheckId(round.RoundId, nameof(round.RoundId));
    }

    private static void CheckId(string? id, string name)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxIdLength || id.Any(char.IsControl))
        {
            throw new ArgumentException(
                $"The {name} must be 1 to {MaxIdLength} characters without control characters.",
                name);
        }
    }

    private static LocalBudget Read(string path)
    {
        BudgetFile? file;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            if (stream.Length > MaxFileLength)
            {
                throw Bad(path, $"it is {stream.Length} bytes long, more than a budget file can be.");
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
                file = JsonSerializer.Deserialize<BudgetFile>(stream, BudgetFile.Options);
            }
            catch (JsonException e)
            {
                throw Bad(path, $"it is not a valid budget file: {e.Message}");
            }
            catch (NotSupportedException e)
            {
                // A round without its "kind" cannot be told apart.
                throw Bad(path, $"it is not a valid budget file: {e.Message}");
            }
        }

        if (file is null)
        {
            throw Bad(path, "it holds null instead of a budget.");
        }

        return Validate(path, file);
    }

    private static LocalBudget Validate(string path, BudgetFile file)
    {
        if (file.Format != BudgetFile.CurrentFormat)
        {
            throw Bad(path, $"its format is {file.Format}; this client reads {BudgetFile.CurrentFormat}.");
        }

        if (!double.IsFinite(file.Epsilon) || file.Epsilon <= 0)
        {
            throw Bad(path, string.Create(CultureInfo.InvariantCulture,
                $"its epsilon limit {file.Epsilon} is not positive."));
        }

        if (!(file.Delta > 0 && file.Delta < 1))
        {
            throw Bad(path, string.Create(CultureInfo.InvariantCulture,
                $"its delta {file.Delta} is not in (0, 1)."));
        }

        if (!Enum.IsDefined(file.Accountant))
        {
            throw Bad(path, "its accountant is unknown.");
        }

        for (int i = 0; i < file.Rounds.Count; i++)
        {
            RoundMechanism? round = file.Rounds[i];
            if (round is null)
            {
                throw Bad(path, $"round {i} is null.");
            }

            try
            {
                CheckRound(round);
                round.ComposeInto(new RdpAccountant());
            }
            catch (ArgumentException e)
            {
                throw Bad(path, $"round {i} ({round.Kind}) is out of range: {e.Message}");
            }

            if (file.Rounds.Take(i).Any(r => SameRound(r, round)))
            {
                throw Bad(path, $"round {i} ({round.FederationId}/{round.RoundId}) is charged twice.");
            }
        }

        return new LocalBudget(path, file.Epsilon, file.Delta, file.Accountant, file.Rounds);
    }

    private void Write(List<RoundMechanism> rounds, bool overwrite)
    {
        var document = new BudgetFile(BudgetFile.CurrentFormat, EpsilonLimit, Delta, Accountant, rounds);
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(document, BudgetFile.Options);
        string folder = Path.GetDirectoryName(FilePath)!;
        string temporary = Path.Combine(folder, $".{FileName}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            // Limitation: the folder itself is not fsynced (.NET has no call for it), so after a
            // power cut the rename may be lost and the previous file, intact, come back.
            File.Move(temporary, FilePath, overwrite);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static InvalidDataException Bad(string path, string problem) =>
        new($"{path}: the budget file is refused: {problem} It was left as it is.");
}
