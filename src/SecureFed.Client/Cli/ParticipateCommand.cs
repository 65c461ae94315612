using System.CommandLine;
using System.Globalization;
using Google.Protobuf;
using SecureFed.Client.Budget;
using SecureFed.Client.Participation;
using SecureFed.Client.State;
using SecureFed.Client.Updates;
using SecureFed.Crypto.Ckks;
using SecureFed.Protocol;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Identity;

namespace SecureFed.Client.Cli;

/// <summary>
/// <c>securefed participate</c>: waits for rounds and contributes the model update in them.
/// Each round's DP settings are checked, and the client's own budget (when it keeps one) must
/// hold the round before anything is sent; the update is encoded with the round's DP codec,
/// protected by the round's mode, and the round's receipt is verified and kept.
/// </summary>
internal static class ParticipateCommand
{
    /// <summary>Exit code of a round refused by this client: nothing was sent.</summary>
    public const int RefusedExitCode = 3;

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var stateDir = ClientOptions.StateDir();
        var enclave = ClientOptions.Enclave();
        enclave.Description = "The appliance's address, https://HOST:PORT, if not the one enrolled with.";
        var update = new Option<string>("--update")
        {
            Description = "The model update: float32 .npy or .safetensors, flattened.",
        };
        var rounds = new Option<string>("--rounds")
        {
            Description = "Rounds to take part in (default 1); the update file is reread each round.",
        };
        var json = PkiOptions.Json();
        var command = new Command("participate", "Contribute the model update to the federation's rounds.")
        {
            stateDir, enclave, update, rounds, json,
        };
        command.SetAction((parse, cancellation) => Output.RunAsync(
            parse.GetValue(json),
            async () =>
            {
                string directory = PkiOptions.Required(parse, stateDir);
                Uri? address = parse.GetValue(enclave) is null
                    ? null
                    : ClientOptions.EnclaveAddress(parse, enclave);
                string updatePath = ClientOptions.ExistingFile(parse, update);
                int count = ClientOptions.Integer(parse, rounds, 1, 1_000_000, fallback: 1);
                using var session = ParticipantSession.Open(
                    stateDir.Name, directory, ParticipantRole.Client, address);
                return await RunAsync(session, updatePath, count, cancellation).ConfigureAwait(false);
            },
            Print,
            ExitCode));
        return command;
    }

    /// <summary>
    /// Takes part in <paramref name="rounds"/> rounds, one after the other, and stops early at
    /// a round this client refuses or one that aborts.
    /// </summary>
    internal static async Task<ParticipateReport> RunAsync(
        ParticipantSession session, string updatePath, int rounds, CancellationToken cancellation)
    {
        ulong after = ReceiptStore.LastRound(session.Directory);
        var reports = new List<RoundReport>();
        CkksContext? ckks = null;
        for (int i = 0; i < rounds; i++)
        {
            var task = await WaitForTaskAsync(session, after, cancellation).ConfigureAwait(false);
            after = task.Round.Round;
            if (task.Mode == ProtectionMode.He)
            {
                ckks ??= await HeContextAsync(session, cancellation).ConfigureAwait(false);
            }

            var report = await RunRoundAsync(session, task, updatePath, ckks, cancellation).ConfigureAwait(false);
            reports.Add(report);
            if (report.Status != RoundReport.Contributed)
            {
                break;
            }
        }

        return new ParticipateReport(session.Directory, session.State.ParticipantId, reports);
    }

    private static async Task<RoundReport> RunRoundAsync(
        ParticipantSession session, RoundTask task, string updatePath, CkksContext? ckks,
        CancellationToken cancellation)
    {
        ulong round = task.Round.Round;
        string mode = task.Mode == ProtectionMode.He ? "he" : "mask";
        RoundPrivacy privacy;
        try
        {
            privacy = RoundPrivacy.FromTask(task);
        }
        catch (ProtocolViolationException refused)
        {
            return Refusal(round, mode, refused.Message, null);
        }

        var budget = File.Exists(Path.Combine(session.Directory, LocalBudget.FileName))
            ? LocalBudget.Load(session.Directory)
            : null;
        var mechanism = privacy.Mechanism(task);
        if (budget is not null && BudgetRefusal(budget, mechanism) is { } reason)
        {
            return Refusal(round, mode, reason, budget);
        }

        var update = ModelUpdateFile.Read(updatePath);
        if (update.Values.Length != privacy.ModelDimension)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"--update: '{updatePath}' holds {update.Values.Length} values; round {round} has a model "
                + $"dimension of {privacy.ModelDimension}."));
        }

        ulong[] encoded = privacy.Encode(update.Values);
        Array.Clear(update.Values);
        RoundResult? result;
        BudgetDecision? decision = null;
        try
        {
            result = task.Mode switch
            {
                ProtectionMode.Mask => await MaskRoundParticipant.RunAsync(
                    session.Connection.Rounds, session.Credentials, task, encoded,
                    cancellation: cancellation).ConfigureAwait(false),
                ProtectionMode.He => await HeRoundParticipant.RunAsync(
                    session.Connection.Rounds, session.Credentials, ckks!, task, encoded,
                    cancellation: cancellation).ConfigureAwait(false),
                _ => throw new ProtocolViolationException($"Round {round} has an unknown mode."),
            };
        }
        finally
        {
            Array.Clear(encoded);

            // Once the client has joined it cannot tell whether its protected update was
            // unmasked or decrypted into an aggregate, so the round is charged however it ended.
            if (budget is not null)
            {
                budget.TryCharge(mechanism, out var made);
                decision = made;
            }
        }

        return Outcome(session, task, mode, result, budget, decision);
    }

    private static RoundReport Outcome(
        ParticipantSession session, RoundTask task, string mode, RoundResult? result, LocalBudget? budget,
        BudgetDecision? decision)
    {
        ulong round = task.Round.Round;
        if (result is null || result.Round?.Round != round)
        {
            throw new ProtocolViolationException($"The appliance sent no result for round {round}.");
        }

        string? receiptPath = null;
        bool verified = false;
        if (result.Receipt is { } wire)
        {
            var receipt = wire.ToRecord();
            var check = receipt.Check(session.LedgerKey);
            if (!check.Ok)
            {
                throw new ProtocolViolationException($"Round {round}'s receipt does not verify: {check.Message}");
            }

            verified = true;
            receiptPath = ReceiptStore.Save(session.Directory, ReceiptStore.RoundFileName(round), receipt);
        }

        double? spent = decision is { Accepted: true } ? decision.EpsilonAfter : budget?.EpsilonSpent();
        double? charged = decision is null ? null
            : decision.Accepted ? decision.EpsilonAfter - decision.EpsilonBefore
            : 0;
        bool contributed = result.Completed && result.Contributors.Contains(session.State.ParticipantId);
        return new RoundReport(
            round,
            mode,
            contributed ? RoundReport.Contributed : RoundReport.Aborted,
            contributed ? null
                : result.Completed ? "The aggregate does not include this client's contribution."
                : result.AbortReason,
            result.Contributors.Count,
            charged,
            spent,
            budget?.EpsilonLimit,
            result.EpsilonSpent,
            result.Delta,
            receiptPath,
            verified);
    }

    private static string? BudgetRefusal(LocalBudget budget, RoundMechanism mechanism)
    {
        if (budget.Rounds.Any(r => r.FederationId == mechanism.FederationId && r.RoundId == mechanism.RoundId))
        {
            return $"Round {mechanism.RoundId} has been charged to this client's budget already.";
        }

        double spent = budget.EpsilonSpent();
        double after = budget.EpsilonIf(mechanism);
        return after <= budget.EpsilonLimit
            ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"The round would take this client's epsilon from {spent:G6} to {after:G6}, past its limit "
                + $"{budget.EpsilonLimit:G6} at delta {budget.Delta:G3}.");
    }

    private static RoundReport Refusal(ulong round, string mode, string reason, LocalBudget? budget) =>
        new(round, mode, RoundReport.Refused, reason, 0, budget is null ? null : 0, budget?.EpsilonSpent(),
            budget?.EpsilonLimit, null, null, null, false);

    /// <summary>Long-polls the appliance until a round after <paramref name="after"/> opens.</summary>
    internal static async Task<RoundTask> WaitForTaskAsync(
        ParticipantSession session, ulong after, CancellationToken cancellation)
    {
        var request = new WaitForTaskRequest
        {
            FederationId = ByteString.CopyFrom(session.Credentials.FederationId),
            AfterRound = after,
        };
        while (true)
        {
            var task = await session.Connection.Rounds.WaitForTaskAsync(request, cancellationToken: cancellation);
            if (!task.HasTask)
            {
                continue;
            }

            if (task.Round is null
                || !task.Round.FederationId.Span.SequenceEqual(session.Credentials.FederationId)
                || task.Round.Round <= after)
            {
                throw new ProtocolViolationException(
                    "The appliance offered a round of another federation or an old one.");
            }

            return task;
        }
    }

    /// <summary>
    /// The CKKS context of the federation's HE parameters, rebuilt from what the appliance
    /// announces and accepted only when its parameter id matches.
    /// </summary>
    internal static async Task<CkksContext> HeContextAsync(ParticipantSession session, CancellationToken cancellation)
    {
        var info = await session.Connection.Federation.GetFederationAsync(
            new GetFederationRequest(), cancellationToken: cancellation);
        var parameters = HeParameters.FromFederation(info) ?? throw new ProtocolViolationException(
            "The appliance's CKKS parameters cannot be rebuilt here or do not match their id.");
        return new CkksContext(parameters);
    }

    private static int ExitCode(ParticipateReport report) =>
        report.Rounds.Count == 0 ? 0 : report.Rounds[^1].Status switch
        {
            RoundReport.Contributed => 0,
            RoundReport.Refused => RefusedExitCode,
            _ => 1,
        };

    private static void Print(ParticipateReport report)
    {
        var c = CultureInfo.InvariantCulture;
        foreach (var r in report.Rounds)
        {
            string line = r.Status switch
            {
                RoundReport.Contributed => string.Create(c,
                    $"round {r.Round} ({r.Mode}): contributed, {r.Contributors} contributors"),
                _ => $"round {r.Round} ({r.Mode}): {r.Status}: {r.Reason}",
            };
            Console.WriteLine(line);
            if (r.EpsilonSpent is { } spent)
            {
                Console.WriteLine(string.Create(c,
                    $"  epsilon charged {r.EpsilonCharged:G6}, spent {spent:G6} of {r.EpsilonLimit:G6}"));
            }

            if (r.FederationEpsilonSpent is { } federation)
            {
                Console.WriteLine(string.Create(
                    c, $"  federation epsilon spent {federation:G6} at delta {r.Delta:G3}"));
            }

            if (r.Receipt is not null)
            {
                Console.WriteLine($"  receipt (verified): {r.Receipt}");
            }
        }
    }
}
