using System.CommandLine;
using System.CommandLine.Help;
using Aevb.Cli;
using Aevb.Cli.Commands;

// `aevb`: one verb per file in Commands/, each exposing `static Command Create()`.
// The root is a named Command rather than RootCommand so help says `aevb` whatever the
// executable is called (`dotnet run`, the Aevb.Cli assembly, an installed tool).
var root = new Command("aevb", "Auto-Encoding Variational Bayes (Kingma & Welling, 2014): train, evaluate, benchmark, run notebooks.")
{
    new HelpOption(),
    new VersionOption(),
};
foreach (var command in new[]
{
    DataCommand.Create(),
    TrainCommand.Create(),
    EvalCommand.Create(),
    BenchCommand.Create(),
    InfoCommand.Create(),
    NotebookCommand.Create(),
    ReproduceCommand.Create(),
})
{
    root.Subcommands.Add(command);
}
// Signals are ours (see Interrupt): System.CommandLine would end the process 2 s after Ctrl+C, before a checkpoint.
Interrupt.Install();
Interrupt.WatchStdin();
int exitCode;
try
{
    exitCode = root.Parse(args).Invoke(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (Environment.GetEnvironmentVariable("AEVB_TRACE") is null)
{
    // Last resort: each command names its own inputs' problems; what none of them foresaw is still one line. An I/O failure
    // is the user's to fix (exit 1); anything else is a bug of ours (exit 70, EX_SOFTWARE), whose stack AEVB_TRACE=1 shows.
    var io = e is IOException or UnauthorizedAccessException;
    var what = io ? "" : $"unexpected {e.GetType().Name} (a bug: please report it; AEVB_TRACE=1 shows where): ";
    Console.Error.WriteLine($"aevb: {what}{e.Message.ReplaceLineEndings(" ").Trim()}");
    exitCode = io ? 1 : 70;
}
// Exit now rather than return: a notebook cell may have started a foreground thread, which would keep the process
// (a notebook worker, and so its parent) alive forever after the verb has finished.
Environment.Exit(exitCode);
