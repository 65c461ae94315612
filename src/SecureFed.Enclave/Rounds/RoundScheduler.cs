// Opens rounds on a timer, for federations that train on a fixed rhythm instead of waiting
// for an operator. Each tick opens a round only when none is in progress, enough clients have
// enrolled and, in HE mode, the custodians' collective key exists; the coordinator applies the same range and
// budget checks as to an operator's request, so a schedule can never spend more epsilon than
// the federation allows. The settings are checked once at start-up, so a bad schedule stops
// the appliance from starting instead of failing quietly at every tick.

using SecureFed.Enclave.Configuration;
using SecureFed.Enclave.Custody;
using SecureFed.Enclave.Federation;
using SecureFed.Enclave.Storage;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Identity;

namespace SecureFed.Enclave.Rounds;

/// <summary>Opens a round every <see cref="RoundScheduleOptions.IntervalSeconds"/>.</summary>
internal sealed partial class RoundScheduler : BackgroundService
{
    private readonly RoundScheduleOptions _schedule;
    private readonly RoundCoordinator _coordinator;
    private readonly CeremonyCoordinatorService _ceremony;
    private readonly FederationFacts _facts;
    private readonly ParticipantRegistry _registry;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<RoundScheduler> _logger;
    private OpenRoundRequest? _request;

    public RoundScheduler(
        EnclaveOptions options,
        RoundCoordinator coordinator,
        CeremonyCoordinatorService ceremony,
        FederationFacts facts,
        ParticipantRegistry registry,
        IHostApplicationLifetime lifetime,
        ILogger<RoundScheduler> logger)
    {
        _schedule = options.Schedule;
        _coordinator = coordinator;
        _ceremony = ceremony;
        _facts = facts;
        _registry = registry;
        _lifetime = lifetime;
        _logger = logger;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_schedule.Enabled)
        {
            return Task.CompletedTask;
        }

        try
        {
            var request = _schedule.ToRequest();
            _ = RoundSettingsFactory.Create(1, request, _facts.CkksParameters);
            _request = request;
        }
        catch (Exception error) when (error is FormatException or RoundRejectedException)
        {
            throw new InvalidOperationException($"The round schedule (Enclave:Schedule) is invalid: {error.Message}");
        }

        LogScheduled(_schedule.IntervalSeconds, _schedule.Mode);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_request is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_schedule.IntervalSeconds));
        do
        {
            TryOpen(_request);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private void TryOpen(OpenRoundRequest request)
    {
        if (_coordinator.Current is not null)
        {
            return;
        }

        // A round's participants are the clients enrolled when it opens; opening one before
        // enough have enrolled would only abort at the join deadline.
        if (_registry.Count(ParticipantRole.Client) < request.MinClients)
        {
            return;
        }

        if (request.Mode == ProtectionMode.He && _ceremony.CompletedKey is null)
        {
            LogWaitingForKey();
            return;
        }

        try
        {
            var (settings, _) = _coordinator.Open(
                round => RoundSettingsFactory.Create(round, request, _facts.CkksParameters),
                _lifetime.ApplicationStopping);
            LogOpened(settings.Round);
        }
        catch (RoundRejectedException refused)
        {
            LogRefused(refused.Message);
        }
    }

    [LoggerMessage(EventId = 2020, EventName = "ScheduleOn", Level = LogLevel.Information,
        Message = "Rounds are scheduled every {Seconds} s in {Mode} mode")]
    private partial void LogScheduled(int seconds, string mode);

    [LoggerMessage(EventId = 2021, EventName = "ScheduledRoundOpened", Level = LogLevel.Information,
        Message = "The schedule opened round {Round}")]
    private partial void LogOpened(ulong round);

    [LoggerMessage(EventId = 2022, EventName = "ScheduledRoundRefused", Level = LogLevel.Warning,
        Message = "The schedule could not open a round: {Reason}")]
    private partial void LogRefused(string reason);

    [LoggerMessage(EventId = 2023, EventName = "ScheduleWaitingForKey", Level = LogLevel.Information,
        Message = "The schedule waits for the custodians' collective key before opening an HE round")]
    private partial void LogWaitingForKey();
}
