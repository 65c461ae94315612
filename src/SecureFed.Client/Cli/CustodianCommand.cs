using System.Buffers.Binary;
using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Grpc.Core;
using SecureFed.Client.Participation;
using SecureFed.Client.State;
using SecureFed.Crypto.Ckks;
using SecureFed.Protocol;
using SecureFed.Protocol.He;
using SecureFed.Protocol.Identity;

namespace SecureFed.Client.Cli;

/// <summary>
/// <c>securefed custodian</c>: takes part in the key ceremony once, keeps the key share in the
/// state folder, and answers decryption requests. The record of requests answered is stored
/// before each share leaves, so a restarted custodian still refuses a second share for the
/// same round or ciphertext.
/// </summary>
internal static class CustodianCommand
{
    /// <summary>The custodian's key state, secret (mode 0600).</summary>
    public const string KeyFileName = "custodian.key";

    /// <summary>The record of decryption requests answered.</summary>
    public const string ServedFileName = "custodian.served";

    private const long MaxKeyFileBytes = 256L << 20;

    private const long MaxServedFileBytes = 64L << 20;

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var stateDir = ClientOptions.StateDir();
        var enclave = ClientOptions.Enclave();
        enclave.Description = "The appliance's address, https://HOST:PORT, if not the one enrolled with.";
        var minContributors = new Option<string>("--min-contributors")
        {
            Description = "The fewest distinct contributors an aggregate must sum to be decrypted (default 2).",
        };
        var spotCheck = new Option<string>("--spot-check-positions")
        {
            Description = "Positions of each aggregate checked against the contributions before a share is made " +
                $"(1 to {AggregateSpotCheck.MaxPositions}, default {AggregateSpotCheck.DefaultPositions}).",
        };
        var rounds = new Option<string>("--rounds")
        {
            Description = "Answer this many decryption requests, then exit (default: until SIGTERM).",
        };
        var json = PkiOptions.Json();
        var command = new Command("custodian", "Take part in the key ceremony and answer decryption requests.")
        {
            stateDir, enclave, minContributors, spotCheck, rounds, json,
        };
        command.SetAction((parse, cancellation) =>
        {
            bool asJson = parse.GetValue(json);
            return Output.RunAsync(
                asJson,
                async () =>
                {
                    string directory = PkiOptions.Required(parse, stateDir);
                    Uri? address = parse.GetValue(enclave) is null
                        ? null
                        : ClientOptions.EnclaveAddress(parse, enclave);
                    int minimum = ClientOptions.Integer(parse, minContributors, 2, 1_000_000, fallback: 2);
                    int positions = ClientOptions.Integer(
                        parse, spotCheck, 1, AggregateSpotCheck.MaxPositions,
                        fallback: AggregateSpotCheck.DefaultPositions);
                    int? count = parse.GetValue(rounds) is null
                        ? null
                        : ClientOptions.Integer(parse, rounds, 1, int.MaxValue);
                    using var session = ParticipantSession.Open(
                        stateDir.Name, directory, ParticipantRole.Custodian, address);
                    Action<string>? progress = asJson ? null : Console.WriteLine;
                    return await RunAsync(session, minimum, count, progress, cancellation, positions)
                        .ConfigureAwait(false);
                },
                Print);
        });
        return command;
    }

    /// <summary>
    /// Runs the ceremony if the folder holds no key share yet, then answers up to
    /// <paramref name="requests"/> decryption requests (all until cancelled when null).
    /// </summary>
    internal static async Task<CustodianReport> RunAsync(
        ParticipantSession session, int minimumContributors, int? requests, Action<string>? progress,
        CancellationToken cancellation, int spotCheckPositions = AggregateSpotCheck.DefaultPositions)
    {
        var ckks = await ParticipateCommand.HeContextAsync(session, cancellation).ConfigureAwait(false);
        string keyPath = Path.Combine(session.Directory, KeyFileName);
        string ceremony = File.Exists(keyPath) ? "loaded" : "completed";
        using var keyState = File.Exists(keyPath)
            ? LoadKeyState(keyPath, ckks)
            : await CeremonyAsync(session, ckks, keyPath, progress, cancellation).ConfigureAwait(false);
        if (keyState is null)
        {
            return Report(session, "not started", keyPath, null, minimumContributors, [], []);
        }

        string servedPath = Path.Combine(session.Directory, ServedFileName);
        byte[] served = File.Exists(servedPath) ? ReadServed(servedPath) : [];
        var answered = new List<ServedRequest>();
        var refused = new List<RefusedRequest>();
        while ((requests is null || answered.Count < requests) && !cancellation.IsCancellationRequested)
        {
            try
            {
                var before = ServedRounds(served);
                bool done = await CustodianRunner.ServeOnceAsync(
                    session.Connection.Custodians, session.Credentials, keyState, minimumContributors, served,
                    record =>
                    {
                        StateDirectory.ReplaceAtomically(servedPath, record, CertificateFiles.PrivateKeyMode);
                        served = record;
                    },
                    cancellation, spotCheckPositions).ConfigureAwait(false);
                if (done)
                {
                    ulong? round = ServedRounds(served).Except(before).Select(r => (ulong?)r).FirstOrDefault();
                    var entry = new ServedRequest(round, Now());
                    answered.Add(entry);
                    progress?.Invoke(round is { } r
                        ? string.Create(CultureInfo.InvariantCulture, $"served decryption of round {r} at {entry.At}")
                        : $"served a decryption request at {entry.At}");
                }
            }
            catch (ProtocolViolationException refusal)
            {
                // A refused request is the custodian doing its job; it keeps serving.
                refused.Add(new RefusedRequest(refusal.Message, Now()));
                progress?.Invoke($"refused a decryption request: {refusal.Message}");
            }
            catch (Exception stop) when (cancellation.IsCancellationRequested
                && stop is OperationCanceledException or RpcException)
            {
                break;
            }
        }

        return Report(session, ceremony, keyPath, keyState, minimumContributors, answered, refused);
    }

    private static async Task<CustodianKeyState?> CeremonyAsync(
        ParticipantSession session, CkksContext ckks, string keyPath, Action<string>? progress,
        CancellationToken cancellation)
    {
        progress?.Invoke("waiting for the key ceremony");
        while (true)
        {
            CustodianKeyState? state;
            try
            {
                state = await CustodianRunner.RunCeremonyAsync(
                    session.Connection.Custodians, session.Credentials, ckks, cancellation).ConfigureAwait(false);
            }
            catch (Exception stop) when (cancellation.IsCancellationRequested
                && stop is OperationCanceledException or RpcException)
            {
                return null;
            }

            if (state is null)
            {
                continue;
            }

            byte[] bytes = state.Serialize();
            try
            {
                StateDirectory.WriteNew(keyPath, bytes, CertificateFiles.PrivateKeyMode);
            }
            catch
            {
                state.Dispose();
                throw;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(bytes);
            }

            progress?.Invoke($"key ceremony completed; key share stored in {keyPath}");
            return state;
        }
    }

    private static CustodianKeyState LoadKeyState(string path, CkksContext ckks)
    {
        StateDirectory.RequireOwnerOnly(path);
        byte[] bytes = StateDirectory.ReadSmall(path, MaxKeyFileBytes);
        try
        {
            return CustodianKeyState.Deserialize(ckks, bytes);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{path} is corrupt or of other HE parameters: {e.Message}", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static byte[] ReadServed(string path)
    {
        StateDirectory.RequireOwnerOnly(path);
        return StateDirectory.ReadSmall(path, MaxServedFileBytes);
    }

    /// <summary>
    /// The rounds in a served record ("SFHS", version, round count, rounds; see
    /// CustodianDecryptionService.ExportServedRequests); empty when it reads otherwise.
    /// </summary>
    private static HashSet<ulong> ServedRounds(byte[] record)
    {
        var rounds = new HashSet<ulong>();
        if (record.Length < 9 || !record.AsSpan(0, 4).SequenceEqual("SFHS"u8))
        {
            return rounds;
        }

        uint count = BinaryPrimitives.ReadUInt32BigEndian(record.AsSpan(5));
        for (long i = 0; i < count && 9 + (8 * (i + 1)) <= record.Length; i++)
        {
            rounds.Add(BinaryPrimitives.ReadUInt64BigEndian(record.AsSpan(9 + (int)(8 * i))));
        }

        return rounds;
    }

    private static CustodianReport Report(
        ParticipantSession session, string ceremony, string keyPath, CustodianKeyState? keyState, int minimum,
        IReadOnlyList<ServedRequest> served, IReadOnlyList<RefusedRequest> refused) =>
        new(
            session.Directory,
            session.State.ParticipantId,
            ceremony,
            keyPath,
            keyState is null ? string.Empty : Convert.ToHexStringLower(keyState.CollectivePublicKeyHash),
            minimum,
            served,
            refused);

    private static string Now() =>
        DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static void Print(CustodianReport r) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"custodian {r.ParticipantId} stopped: {r.Served.Count} served, {r.Refused.Count} refused"));
}
