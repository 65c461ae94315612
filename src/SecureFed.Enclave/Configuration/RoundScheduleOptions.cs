using SecureFed.Protocol.Grpc.V1;

namespace SecureFed.Enclave.Configuration;

/// <summary>
/// Rounds the appliance opens by itself, every <see cref="IntervalSeconds"/>, with the same
/// settings an operator's <c>OpenRound</c> call carries (section <c>Enclave:Schedule</c>).
/// Off unless an interval is set. A scheduled round goes through the same checks as an
/// operator's: the settings' ranges and the federation's privacy budget.
/// </summary>
public sealed class RoundScheduleOptions
{
    /// <summary>Seconds between attempts to open a round; 0 turns the schedule off.</summary>
    public int IntervalSeconds { get; set; }

    /// <summary><c>mask</c> or <c>he</c>.</summary>
    public string Mode { get; set; } = "mask";

    /// <summary>Length of the vector when the round has no DP settings; 0 with DP.</summary>
    public int Dimension { get; set; }

    /// <summary>The modulus 2^b of the round's integer vectors.</summary>
    public int Bits { get; set; } = 32;

    /// <summary>Fewest clients that must join.</summary>
    public int MinClients { get; set; } = 2;

    /// <summary>Most clients that may join.</summary>
    public int MaxClients { get; set; } = 100;

    /// <summary>Fewest contributions the aggregate needs; 0 means <see cref="MinClients"/>.</summary>
    public int MinContributors { get; set; }

    /// <summary>How long clients have to join, in milliseconds (0: the default).</summary>
    public int JoinTimeoutMs { get; set; }

    /// <summary>Each later stage's deadline, in milliseconds (0: the default).</summary>
    public int StageTimeoutMs { get; set; }

    /// <summary>Dropout rate the SecAgg+ graph is sized for.</summary>
    public double DropoutRate { get; set; } = 0.1;

    /// <summary>Corrupt-client rate the SecAgg+ graph is sized for.</summary>
    public double CorruptRate { get; set; } = 0.05;

    /// <summary>
    /// <c>skellam</c> or <c>discrete_gaussian</c> for distributed DP; empty for a round
    /// without DP settings (integer vectors only).
    /// </summary>
    public string Noise { get; set; } = string.Empty;

    /// <summary>Noise multiplier of the round's mechanism.</summary>
    public double NoiseMultiplier { get; set; }

    /// <summary>L2 clipping bound of each client's update.</summary>
    public double Clip { get; set; }

    /// <summary>Length of the model update before padding.</summary>
    public int ModelDimension { get; set; }

    /// <summary>Clients whose noise shares make up the round's noise; 0 means the maximum.</summary>
    public int ExpectedClients { get; set; }

    /// <summary>True when the schedule is on.</summary>
    public bool Enabled => IntervalSeconds > 0;

    /// <summary>The operator request that these settings stand for.</summary>
    /// <exception cref="FormatException">A setting cannot be expressed as a request.</exception>
    public OpenRoundRequest ToRequest()
    {
        var mode = Mode switch
        {
            "mask" => ProtectionMode.Mask,
            "he" => ProtectionMode.He,
            _ => throw new FormatException($"Schedule:Mode must be mask or he, not '{Mode}'."),
        };
        var request = new OpenRoundRequest
        {
            Mode = mode,
            Dimension = NonNegative(Dimension, nameof(Dimension)),
            Bits = NonNegative(Bits, nameof(Bits)),
            MinClients = NonNegative(MinClients, nameof(MinClients)),
            MaxClients = NonNegative(MaxClients, nameof(MaxClients)),
            MinContributors = NonNegative(MinContributors, nameof(MinContributors)),
            JoinTimeoutMs = NonNegative(JoinTimeoutMs, nameof(JoinTimeoutMs)),
            StageTimeoutMs = NonNegative(StageTimeoutMs, nameof(StageTimeoutMs)),
            DropoutRate = DropoutRate,
            CorruptRate = CorruptRate,
        };
        if (Noise.Length == 0)
        {
            return request;
        }

        request.Dp = new DpSettings
        {
            Noise = Noise switch
            {
                "skellam" => DpSettings.Types.Noise.Skellam,
                "discrete_gaussian" => DpSettings.Types.Noise.DiscreteGaussian,
                _ => throw new FormatException(
                    $"Schedule:Noise must be skellam, discrete_gaussian or empty, not '{Noise}'."),
            },
            NoiseMultiplier = NoiseMultiplier,
            Clip = Clip,
            ModelDimension = NonNegative(ModelDimension, nameof(ModelDimension)),
            ExpectedClients = NonNegative(ExpectedClients, nameof(ExpectedClients)),
        };
        return request;
    }

    private static uint NonNegative(int value, string name) =>
        value >= 0 ? (uint)value : throw new FormatException($"Schedule:{name} must not be negative.");
}
