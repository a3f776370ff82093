using Aevb.Cli.Commands;

namespace Aevb.Tests.Data;

/// <summary>The <c>aevb data</c> verbs end to end, on temporary folders (no network: --from and info only).</summary>
public class DataCommandTests
{
    private static Task<int> Run(params string[] args) => DataCommand.Create().Parse(args).InvokeAsync();

    [Fact]
    public async Task InfoFailsOnAnEmptyFolderAndPassesOnTheSharedData()
    {
        using var empty = new TempDir();
        Assert.Equal(1, await Run("info", "--dir", empty.Path));
        Assert.Equal(0, await Run("info", "--dir", TestData.Directory));
    }

    [Fact]
    public async Task FetchFromALocalFolderFillsTheTarget()
    {
        using var target = new TempDir();
        Assert.Equal(0, await Run("fetch", "--dataset", "frey", "--from", TestData.Directory, "--dir", target.Path));
        Assert.Equal(["frey-faces-idx3-ubyte"], target.Entries());
        // MNIST is absent there, so info reports a problem (exit 1) with or without verification.
        Assert.Equal(1, await Run("info", "--dir", target.Path, "--no-verify"));
        Assert.Equal(1, await Run("info", "--dir", target.Path));
    }

    [Fact]
    public async Task FetchRejectsAMissingFromFolderAndAnUnknownDataSet()
    {
        using var target = new TempDir();
        Assert.Equal(1, await Run("fetch", "--dataset", "frey", "--from", Path.Combine(target.Path, "nope"), "--dir", target.Path));
        Assert.NotEqual(0, await Run("fetch", "--dataset", "cifar", "--dir", target.Path));
        Assert.Empty(target.Entries());
    }
}
