namespace Aevb.Notebooks.Tests;

/// <summary>Runs <c>aevb notebook …</c> in process and returns its exit code and what it wrote to standard error.</summary>
internal static class NotebookCli
{
    public static (int Code, string Error) Run(params string[] args)
    {
        var saved = Console.Error;
        var error = new StringWriter();
        Console.SetError(error);
        try
        {
            var code = Aevb.Cli.Commands.NotebookCommand.Create().Parse(args).Invoke();
            return (code, error.ToString());
        }
        finally
        {
            Console.SetError(saved);
        }
    }
}
