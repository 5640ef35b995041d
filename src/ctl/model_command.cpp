// `zenhubctl model --store URI VERB ...`: the command-line wiring of the model verbs
// (model_verbs.cpp) and the mapping of their failures to exit codes.
#include <yaml-cpp/yaml.h>

#include <functional>
#include <iostream>

#include "ctl/command.h"
#include "ctl/model_verbs.h"
#include "store/errors.h"

namespace zenhub::ctl {

namespace {

// Runs a verb and turns its exceptions into the message on stderr and the exit code.
void run(int& exitCode, const std::function<void()>& verb) {
  try {
    verb();
    exitCode = 0;
  } catch (const store::NotFoundError& e) {
    std::cerr << "zenhubctl model: " << e.what() << "\n";
    exitCode = 1;
  } catch (const store::ModelError& e) {
    std::cerr << "zenhubctl model: rejected, nothing changed:\n";
    for (const auto& issue : e.issues()) std::cerr << "  " << issue << "\n";
    exitCode = 2;
  } catch (const BadUsage& e) {
    std::cerr << "zenhubctl model: " << e.what() << "\n";
    exitCode = 2;
  } catch (const store::StoreError& e) {
    std::cerr << "zenhubctl model: " << e.what() << "\n";
    exitCode = 1;
  } catch (const std::exception& e) {
    std::cerr << "zenhubctl model: " << e.what() << "\n";
    exitCode = 1;
  }
}

struct ModelArgs {
  ModelContext ctx;
  std::string path;
  std::string second;
  std::vector<std::string> assignments;
  std::vector<std::string> unset;
  bool resolve = false;
  bool recursive = false;
  std::int64_t since = 0;
  std::int64_t limit = 10000;
  std::int64_t keep = 1000;
  GenerateArgs generate;
};

}  // namespace

void addModelCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<ModelArgs>();
  args->ctx.out = &std::cout;
  CLI::App* model = app.add_subcommand("model", "manage the device model in a store");
  model->require_subcommand(1);
  model->add_option("--store", args->ctx.storeUri,
                    "store URI: sqlite:///abs/path.db, sqlite://relative.db, postgresql://user@host:port/db")
      ->envname("ZENHUB_STORE");
  model->add_flag("--json", args->ctx.json, "print JSON for scripts");
  // The callbacks below run once parsing succeeded; `args` lives as long as the app holds them.
  auto verb = [&exitCode, args](std::function<void(ModelArgs&)> body) {
    return [&exitCode, args, body] { run(exitCode, [&] { body(*args); }); };
  };

  model->add_subcommand("init", "create the store and its schema (idempotent)")
      ->callback(verb([](ModelArgs& a) { modelInit(a.ctx); }));

  auto* load = model->add_subcommand("load", "upsert a model file in one transaction (idempotent)");
  load->add_option("file", args->path, "model YAML file")->required();
  load->callback(verb([](ModelArgs& a) { modelLoad(a.ctx, a.path); }));

  auto* exp = model->add_subcommand("export", "write the whole model as YAML that load accepts");
  exp->add_option("-o,--out", args->path, "file to write (default: stdout)");
  exp->callback(verb([](ModelArgs& a) { modelExport(a.ctx, a.path); }));

  auto* get = model->add_subcommand("get", "show one object");
  get->add_option("path", args->path, "object path, e.g. /Devices/Server/Linux/devices/web01")->required();
  get->add_flag("--resolve", args->resolve, "also show the zProperties it acquires");
  get->callback(verb([](ModelArgs& a) { modelGet(a.ctx, a.path, a.resolve); }));

  auto* ls = model->add_subcommand("ls", "list the children of an object");
  ls->add_option("path", args->path, "object path")->required();
  ls->add_flag("-r,--recursive", args->recursive, "the whole subtree");
  ls->callback(verb([](ModelArgs& a) { modelLs(a.ctx, a.path, a.recursive); }));

  auto* set = model->add_subcommand("set", "set (or --unset) properties of an object");
  set->add_option("path", args->path, "object path")->required();
  set->add_option("assignments", args->assignments, "key=value (value read as YAML: 161, true, [a, b], \"text\")");
  set->add_option("-u,--unset", args->unset, "property to remove");
  set->callback(verb([](ModelArgs& a) { modelSet(a.ctx, a.path, a.assignments, a.unset); }));

  auto* mv = model->add_subcommand("mv", "move an object (and its subtree) below another parent");
  mv->add_option("path", args->path, "object path")->required();
  mv->add_option("newparent", args->second, "new parent path")->required();
  mv->callback(verb([](ModelArgs& a) { modelMove(a.ctx, a.path, a.second); }));

  auto* rm = model->add_subcommand("rm", "remove an object and its subtree");
  rm->add_option("path", args->path, "object path")->required();
  rm->callback(verb([](ModelArgs& a) { modelRemove(a.ctx, a.path); }));

  auto* changes = model->add_subcommand("changes", "read the change feed");
  changes->add_option("--since", args->since, "cursor (tid) to read after; 0 for the beginning")->required();
  changes->add_option("--limit", args->limit, "at most this many transactions");
  changes->callback(verb([](ModelArgs& a) { modelChanges(a.ctx, a.since, a.limit); }));

  auto* compact = model->add_subcommand("compact", "drop old change-feed entries");
  compact->add_option("--keep", args->keep, "transactions to keep")->required();
  compact->callback(verb([](ModelArgs& a) { modelCompact(a.ctx, a.keep); }));

  auto* gen = model->add_subcommand("generate", "make up a large model, deterministically");
  gen->add_option("--devices", args->generate.devices, "number of devices")->required();
  gen->add_option("--collectors", args->generate.collectors, "number of collectors")->required();
  gen->add_option("--seed", args->generate.seed, "random seed");
  gen->add_option("--out", args->generate.out, "write YAML here instead of loading into --store");
  gen->callback(verb([](ModelArgs& a) { modelGenerate(a.ctx, a.generate); }));
}

}  // namespace zenhub::ctl
