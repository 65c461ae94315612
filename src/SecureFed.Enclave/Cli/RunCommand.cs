using System.CommandLine;
using Microsoft.Extensions.Logging.Console;
using SecureFed.Enclave.Configuration;
using SecureFed.Enclave.Federation;
using SecureFed.Enclave.Hosting;

namespace SecureFed.Enclave.Cli;

/// <summary>
/// <c>securefed-enclave run</c>: runs the appliance over an initialised state directory until
/// SIGTERM or Ctrl-C, which stop it gracefully (an open round is aborted in the ledger).
/// </summary>
internal static class RunCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var config = new Option<string>("--config")
        {
            Description = $"The JSON configuration file (default {EnclaveOptions.DefaultConfigFile}, "
                + $"section {EnclaveOptions.Section}).",
        };
        var stateDir = CliOptions.StateDir("The state directory 'init' made.");
        var listen = new Option<string>("--listen")
        {
            Description = "Address and port of the gRPC endpoint, such as 127.0.0.1:7443.",
        };
        var metricsListen = new Option<string>("--metrics-listen")
        {
            Description = "Address and port of the Prometheus endpoint; empty turns it off.",
        };
        var taskPoll = new Option<string>("--task-poll-seconds")
        {
            Description = "How long a task poll waits before answering that there is none.",
        };
        var json = CliOptions.Json();
        var command = new Command("run", "Run the appliance until SIGTERM or Ctrl-C.")
        {
            config, stateDir, listen, metricsListen, taskPoll, json,
        };
        command.SetAction((parse, _) =>
        {
            bool asJson = parse.GetValue(json);
            EnclaveOptions options;
            try
            {
                var overrides = new EnclaveOverrides(
                    parse.GetValue(stateDir),
                    parse.GetValue(listen),
                    parse.GetValue(metricsListen),
                    CliOptions.Integer(parse, taskPoll, 1, EnclaveCommandLine.MaxTaskPollSeconds));
                options = EnclaveCommandLine.LoadOptions(
                    parse.GetValue(config), overrides, EnclaveCommandLine.ProcessEnvironment());
                CliOptions.InitialisedStateDir(options.StateDirectory, stateDir.Name);
            }
            catch (Exception e)
            {
                return Task.FromResult(Output.Fail(asJson, Output.MessageOf(e), Output.ExitCodeOf(e)));
            }

            return RunAsync(options, asJson);
        });
        return command;
    }

    private static async Task<int> RunAsync(EnclaveOptions options, bool json)
    {
        try
        {
            // With --json, stdout carries the one report and the logs go to stderr.
            var sockets = SystemdListenSockets.FromEnvironment();
            var app = EnclaveApplication.Build(options, sockets, json ? LogToStandardError : null);
            await using (app.ConfigureAwait(false))
            {
                var facts = app.Services.GetRequiredService<FederationFacts>();
                app.Lifetime.ApplicationStarted.Register(
                    () => Output.Print(json, Report(options, sockets, facts), Print));

                // The host's own lifetime handles SIGTERM and Ctrl-C, so that stopping waits
                // for the services to finish rather than for the command line's timeout.
                await app.RunAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            return Output.Fail(json, Output.MessageOf(e), Output.ExitCodeOf(e));
        }

        return 0;
    }

    private static void LogToStandardError(ILoggingBuilder logging) =>
        logging.Services.Configure<ConsoleLoggerOptions>(
            console => console.LogToStandardErrorThreshold = LogLevel.Trace);

    // Socket-activated, the configured addresses are not where the appliance listens; the
    // report names the inherited descriptors instead of repeating them.
    private static RunReport Report(
        EnclaveOptions options, SystemdListenSockets? sockets, FederationFacts facts) => new(
        CliOptions.Hex(facts.Id),
        facts.Name,
        options.StateDirectory,
        sockets is null ? options.Listen : $"systemd socket (fd {sockets.GrpcDescriptor})",
        sockets is null
            ? options.MetricsListen
            : sockets.MetricsDescriptor is int metrics ? $"systemd socket (fd {metrics})" : "",
        options.TaskPollSeconds,
        options.Schedule.IntervalSeconds);

    private static void Print(RunReport r)
    {
        Console.WriteLine($"Appliance of federation {r.FederationName} ({r.FederationId}) started");
        Console.WriteLine($"  state: {r.StateDir}");
        Console.WriteLine($"  gRPC: {r.Listen}");
        Console.WriteLine($"  metrics: {(r.MetricsListen.Length > 0 ? r.MetricsListen : "off")}");
        if (r.ScheduleIntervalSeconds > 0)
        {
            Console.WriteLine($"  rounds scheduled every {r.ScheduleIntervalSeconds} s");
        }
    }
}
