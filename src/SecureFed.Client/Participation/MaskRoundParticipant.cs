// One client's part in a mask-mode round over gRPC: the MaskClient state machine computes
// each message, and this class carries it to the appliance and brings back the stage's
// output. The client checks every participant's enrolled key before the first stage, and
// refuses to unmask a survivor set smaller than the round's min_clients.

using Grpc.Core;
using SecureFed.Protocol.Contributions;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol;
using SecureFed.Protocol.Masking;

namespace SecureFed.Client.Participation;

/// <summary>Runs one client through a mask-mode round.</summary>
public static class MaskRoundParticipant
{
    /// <summary>
    /// Joins the round of <paramref name="task"/> and contributes <paramref name="input"/>
    /// (residues modulo 2^b, the round's dimension long). Returns the round's result, or null
    /// when told to stop before <see cref="MaskStage.Finish"/>. <paramref name="sent"/>, when
    /// given, hears the encoded size of every message the client sends.
    /// </summary>
    /// <exception cref="RpcException">The appliance refused a step or the round aborted.</exception>
    /// <exception cref="ProtocolViolationException">The appliance sent something the client refuses.</exception>
    public static async Task<RoundResult?> RunAsync(
        Rounds.RoundsClient rounds,
        ParticipantCredentials credentials,
        RoundTask task,
        ulong[] input,
        MaskStage stopBefore = MaskStage.Finish,
        Action<long>? sent = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(input);
        var round = task.Round;
        uint me = credentials.ParticipantId;
        var join = new JoinRoundRequest { Round = round, ClientId = me };
        sent?.Invoke(join.CalculateSize());
        var joined = await rounds.JoinRoundAsync(join, cancellationToken: cancellation);
        var setup = (joined.Mask ?? throw new ProtocolViolationException("The round sent no mask setup."))
            .FromProto();
        if (setup.Round != round.Round || setup.Dimension != input.Length)
        {
            throw new ProtocolViolationException("The setup does not match the round the client was given.");
        }

        var directory = EnrolledDirectory.Verify(
            joined.Keys, setup.Participants, credentials.FederationId, credentials.Trust);

        // The client's budget charged this round for min_clients noise shares in the sum
        // (RoundPrivacy.Mechanism), so it helps to unmask no smaller survivor set, whatever
        // the appliance decides.
        var policy = MaskClientPolicy.Default with
        {
            MinSurvivors = (int)Math.Min(task.MinClients, int.MaxValue),
        };
        using var client = new MaskClient(me, credentials.SigningKey, directory, policy);
        if (stopBefore == MaskStage.Advertise)
        {
            return null;
        }

        var advert = client.Advertise(setup);
        var advertise = new AdvertiseKeysRequest { Round = round, Advertisement = advert.ToProto() };
        sent?.Invoke(advertise.CalculateSize());
        var advertised = await rounds.AdvertiseKeysAsync(advertise, cancellationToken: cancellation);
        if (stopBefore == MaskStage.Share)
        {
            return null;
        }

        var shares = client.ShareKeys(advertised.FromProto(round.Round)).ToProto(round);
        sent?.Invoke(shares.CalculateSize());
        var forwarded = await rounds.ShareKeysAsync(shares, cancellationToken: cancellation);
        if (stopBefore == MaskStage.Mask)
        {
            return null;
        }

        var masked = client.MaskInput(forwarded.FromProto(round.Round, me), input);
        using (var upload = rounds.UploadMaskedInput(cancellationToken: cancellation))
        {
            await UploadWriter.SendAsync(
                upload, credentials.FederationId, round.Round, me, ContributionStatement.MaskMode,
                masked.PackedVector, client.SessionId, credentials.SigningKey, cancellation, sent)
                .ConfigureAwait(false);
        }

        if (stopBefore == MaskStage.Unmask)
        {
            return null;
        }

        var stage = new StageRequest { Round = round, ClientId = me };
        var survivors = await rounds.AwaitSurvivorsAsync(stage, cancellationToken: cancellation);
        var signature = client.SignSurvivors(survivors.FromProto(round.Round)).ToProto(round);
        sent?.Invoke(signature.CalculateSize());
        var unmaskTask = await rounds.SignSurvivorsAsync(signature, cancellationToken: cancellation);
        var reveal = client.Unmask(unmaskTask.FromProto(round.Round)).ToProto(round);
        sent?.Invoke(reveal.CalculateSize());
        await rounds.UnmaskAsync(reveal, cancellationToken: cancellation);
        return await rounds.AwaitResultAsync(stage, cancellationToken: cancellation);
    }
}
