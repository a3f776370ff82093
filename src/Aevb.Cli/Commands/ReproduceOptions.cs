using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Aevb.Training.Runs;

namespace Aevb.Cli.Commands;

/// <summary>
/// <c>reproduce fig2|fig3</c> options that depart from the paper's protocol (for ablations); each left out keeps the
/// paper's setting, or ours where the paper is silent (<see cref="FigurePlan"/>). Each setting is one annotated
/// property of <see cref="FigureProtocol"/> (<see cref="FigureProtocol.Options"/>); its option, check, reading and
/// writing back are built from it (<see cref="ProtocolSetting.For"/>), so nothing here names a setting.
/// </summary>
internal sealed class ProtocolOptions
{
    private static readonly ProtocolSetting[] Settings =
        FigureProtocol.Options.Select(o => ProtocolSetting.For(o.Property, o.Option)).ToArray();

    /// <summary>Each registered method's own settings (e.g. IWAE's <c>--k</c>), one option per name.</summary>
    private readonly List<(MethodOption Option, Option<double?> Cli)> _methodOptions = MethodRegistry.All
        .SelectMany(m => m.Options.Select(o => (Method: m.Name, Option: o)))
        .GroupBy(p => p.Option.Name)
        .Select(g => (g.First().Option, new Option<double?>("--" + g.Key)
        {
            HelpName = "V",
            Description = $"{string.Join(", ", g.Select(p => p.Method))}: {g.First().Option.Description} (default {g.First().Option.Default}).",
        }))
        .ToList();

    public ProtocolOptions()
    {
        foreach (var (o, cli) in _methodOptions)
            cli.Validators.Add(r =>
            {
                if (r.Tokens.Count > 0 && !(double.TryParse(r.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                                            && v >= o.Min && v <= o.Max && (!o.IsInteger || v == Math.Floor(v))))
                    r.AddError($"{cli.Name}: '{r.Tokens[0].Value}' is not {(o.IsInteger ? "a whole number" : "a number")} in [{o.Min}, {o.Max}].");
            });
    }

    public void AddTo(Command command)
    {
        foreach (var setting in Settings) command.Options.Add(setting.Option);
        foreach (var (_, option) in _methodOptions) command.Options.Add(option);
    }

    public FigureProtocol Read(ParseResult r)
    {
        var protocol = new FigureProtocol
        {
            MethodOptions = _methodOptions.Where(o => r.GetValue(o.Cli) is not null)
                .ToDictionary(o => o.Option.Name, o => r.GetValue(o.Cli)!.Value) is { Count: > 0 } given ? given : null,
        };
        foreach (var setting in Settings) setting.Read(r, protocol); // still ours alone: nothing else has seen it
        return protocol;
    }

    /// <summary>The options that reproduce <paramref name="p"/> on another command line (for <c>--list-runs</c>).</summary>
    public static string Arguments(FigureProtocol? p)
    {
        if (p is null) return "";
        var methodOptions = (p.MethodOptions ?? new Dictionary<string, double>())
            .Select(o => $" --{o.Key} {o.Value.ToString(CultureInfo.InvariantCulture)}");
        return string.Concat(Settings.Select(s => s.Write(p)).OfType<string>().Concat(methodOptions));
    }
}

/// <summary>How <c>reproduce fig2|fig3</c> runs its runs: here one by one, N at a time, listed for another scheduler, or not at all (charts only).</summary>
internal sealed record RunMode(int Jobs = 1, bool ListRuns = false, bool ChartsOnly = false, bool NoCharts = false, bool InlinePlotly = false)
{
    /// <summary>How to start this program again: the apphost, or <c>dotnet Aevb.Cli.dll</c> under <c>dotnet run</c>.</summary>
    public static string Self()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        var name = Path.GetFileNameWithoutExtension(process);
        return name == "dotnet" ? $"{Quote(process)} {Quote(typeof(RunMode).Assembly.Location)}" : Quote(process);
    }

    /// <summary>A POSIX-shell word (single quotes where needed).</summary>
    public static string Quote(string text)
        => text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+=:,".Contains(c)) ? text : "'" + text.Replace("'", "'\\''") + "'";
}

internal sealed class ModeOptions
{
    private readonly Option<int> _jobs = new("--jobs", "-j")
    {
        HelpName = "N",
        Description = "Run N runs at once, each in its own process with one engine thread (unless AEVB_NUM_THREADS is set).",
        DefaultValueFactory = _ => 1,
    };

    private readonly Option<bool> _list = new("--list-runs") { Description = "Print one self-contained command per run (for GNU parallel or a job array) and exit." };
    private readonly Option<bool> _chartsOnly = new("--charts-only") { Description = "Run nothing; chart whatever runs are in the output folder." };
    private readonly Option<bool> _noCharts = new("--no-charts") { Description = "Run, but draw no chart (used by the --list-runs commands)." };

    private readonly Option<bool> _inlinePlotly = new("--inline-plotly")
    {
        Description = "Put plotly.js (~4.8 MB) into each chart page. By default the pages share one plotly.min.js at the --out folder's root " +
                      "(copied from node_modules after `npm ci`; loaded from the CDN where it is missing), so they work offline at no size each.",
    };

    public ModeOptions() => _jobs.Validators.Add(r =>
    {
        if (r.GetValueOrDefault<int>() < 1) r.AddError("--jobs: give a positive number of runs at once.");
    });

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _jobs, _list, _chartsOnly, _noCharts, _inlinePlotly }) command.Options.Add(option);
        // Each of these decides what the command does; given together, one would silently win.
        command.Validators.Add(r =>
        {
            if (r.GetValue(_list) && r.GetValue(_chartsOnly))
                r.AddError("--list-runs and --charts-only do different things (print the runs' commands; draw the charts): give one of them.");
            else if (r.GetValue(_chartsOnly) && r.GetValue(_noCharts))
                r.AddError("--charts-only and --no-charts contradict each other: give one of them.");
        });
    }

    public RunMode Read(ParseResult r) => new(r.GetValue(_jobs), r.GetValue(_list), r.GetValue(_chartsOnly), r.GetValue(_noCharts), r.GetValue(_inlinePlotly));
}

/// <summary>Runs per-run commands as child processes, at most N at once, their output prefixed with the run's name.</summary>
internal static class ParallelRuns
{
    public static int Run(IReadOnlyList<(string Name, string Arguments)> runs, int jobs, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(jobs);
        var failed = new List<string>();
        var interrupted = false;
        var tasks = runs.Select(async run =>
        {
            await slots.WaitAsync(CancellationToken.None);
            try
            {
                if (cancellationToken.IsCancellationRequested) { interrupted = true; return; }
                var code = await RunOneAsync(run.Name, run.Arguments, cancellationToken);
                lock (failed)
                {
                    if (code == 130) interrupted = true;
                    else if (code != 0) failed.Add($"{run.Name} (exit {code})");
                }
            }
            finally
            {
                slots.Release();
            }
        }).ToArray();
        Task.WaitAll(tasks, CancellationToken.None);
        if (interrupted)
        {
            Console.Error.WriteLine("interrupted; every run keeps its last checkpoint. Run the same command again to resume.");
            return 130;
        }
        if (failed.Count == 0) return 0;
        Console.Error.WriteLine($"failed: {string.Join(", ", failed)}");
        return 1;
    }

    private static async Task<int> RunOneAsync(string name, string arguments, CancellationToken cancellationToken)
    {
        var self = RunMode.Self();
        var info = new ProcessStartInfo("/bin/sh", ["-c", $"exec {self} {arguments}"])
        {
            RedirectStandardInput = true, // closed to ask the child to stop (Interrupt.StopOnStdinCloseVariable)
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment[Interrupt.StopOnStdinCloseVariable] = "1";
        if (Environment.GetEnvironmentVariable(Aevb.Tensors.Engine.NumThreadsVariable) is null)
            info.Environment[Aevb.Tensors.Engine.NumThreadsVariable] = "1";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {self}");
        Console.WriteLine($"[{name}] started (pid {process.Id})");
        process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.WriteLine($"[{name}] {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine($"[{name}] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Ctrl+C reaches the children through the terminal's process group too, so the stop is passed on by closing the
        // child's stdin, not by a second SIGINT, which would end a child that is still saving (Interrupt.WatchStdin).
        await using var registration = cancellationToken.Register(() =>
        {
            try { process.StandardInput.Close(); }
            catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException) { }
        });
        await process.WaitForExitAsync(CancellationToken.None);
        Console.WriteLine($"[{name}] exited with code {process.ExitCode}");
        return process.ExitCode;
    }
}
