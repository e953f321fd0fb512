import { BreakSignal } from './errors.ts';
import { add, divide, modulo, multiply, subtract } from './operators.ts';
import { code, codeOne, guarded, guardedPath, type Code, type Env, type PK, type Path } from './runtime.ts';
import { compare, equals, isTruthy, type V } from './values.ts';

/** Pipes, operators, conditionals, `//`, `try` and `label`. */
export function pipe(l: Code, r: Code): Code {
  const lo = l.one;
  const ro = r.one;
  const pv: Code['pv'] = (input, path, env, k) => l.pv(input, path, env, (v, p) => r.pv(v, p, env, k));
  if (lo && ro) return { ev: (input, env, k) => k(ro(lo(input, env), env)), pv, one: (input, env) => ro(lo(input, env), env) };
  if (lo) return { ev: (input, env, k) => r.ev(lo(input, env), env, k), pv };
  return { ev: (input, env, k) => l.ev(input, env, (v) => r.ev(v, env, k)), pv };
}

/** `a // b`: the truthy outputs of `a`, or else those of `b`; errors in `a` propagate (jq 1.8). */
export function compileAlt(l: Code, r: Code): Code {
  const lo = l.one;
  const ro = r.one;
  const pv: Code['pv'] = (input, path, env, k) => {
    let any = false;
    l.pv(input, path, env, (v, p) => {
      if (isTruthy(v)) {
        any = true;
        k(v, p);
      }
    });
    if (!any) r.pv(input, path, env, k);
  };
  if (lo && ro) {
    const one = (input: V, env: Env | null): V => {
      const v = lo(input, env);
      return isTruthy(v) ? v : ro(input, env);
    };
    return { ev: (input, env, k) => k(one(input, env)), pv, one };
  }
  return {
    ev: (input, env, k) => {
      let any = false;
      l.ev(input, env, (v) => {
        if (isTruthy(v)) {
          any = true;
          k(v);
        }
      });
      if (!any) r.ev(input, env, k);
    },
    pv,
  };
}

export function compileTry(body: Code, handler: Code | null): Code {
  return {
    ev: (input, env, k) =>
      guarded((kk) => body.ev(input, env, kk), k, (e) => {
        if (handler) handler.ev(e.value, env, k);
      }),
    pv: (input, path: Path, env, k: PK) =>
      guardedPath((kk) => body.pv(input, path, env, kk), k, (e) => {
        if (handler) handler.pv(e.value, null, env, k);
      }),
  };
}

const compareOp = (f: (c: number) => boolean) => (a: V, b: V): V => f(compare(a, b));

const BINOPS: Record<string, (a: V, b: V) => V> = {
  '+': add,
  '-': subtract,
  '*': multiply,
  '/': divide,
  '%': modulo,
  '==': (a, b) => equals(a, b),
  '!=': (a, b) => !equals(a, b),
  '<': compareOp((c) => c < 0),
  '<=': compareOp((c) => c <= 0),
  '>': compareOp((c) => c > 0),
  '>=': compareOp((c) => c >= 0),
};

export function unary(body: Code, f: (v: V) => V): Code {
  const bo = body.one;
  if (bo) return codeOne((input, env) => f(bo(input, env)));
  return code((input, env, k) => body.ev(input, env, (v) => k(f(v))));
}


export function compileBinop(op: string, l: Code, r: Code): Code {
  const f = BINOPS[op]!;
  const lo = l.one;
  const ro = r.one;
  // jq evaluates the right operand first (it is the outer loop)
  if (lo && ro) {
    return codeOne((input, env) => {
      const b = ro(input, env);
      return f(lo(input, env), b);
    });
  }
  return code((input, env, k) => r.ev(input, env, (b) => l.ev(input, env, (a) => k(f(a, b)))));
}


export function compileLogic(isAnd: boolean, l: Code, r: Code): Code {
  const lo = l.one;
  const ro = r.one;
  if (lo && ro) {
    return isAnd
      ? codeOne((input, env) => isTruthy(lo(input, env)) && isTruthy(ro(input, env)))
      : codeOne((input, env) => isTruthy(lo(input, env)) || isTruthy(ro(input, env)));
  }
  return code((input, env, k) =>
    l.ev(input, env, (a) => {
      if (isAnd ? !isTruthy(a) : isTruthy(a)) k(!isAnd);
      else r.ev(input, env, (b) => k(isTruthy(b)));
    }),
  );
}


export function compileIf(cond: Code, then: Code, otherwise: Code | null): Code {
  const els: Code = otherwise ?? { ev: (i, _e, k) => k(i), pv: (i, p, _e, k) => k(i, p), one: (i) => i };
  const co = cond.one;
  const pv: Code['pv'] = (input, path, env, k) => cond.ev(input, env, (c) => (isTruthy(c) ? then : els).pv(input, path, env, k));
  if (co) {
    const to = then.one;
    const eo = els.one;
    if (to && eo) return { ev: (input, env, k) => k(isTruthy(co(input, env)) ? to(input, env) : eo(input, env)), pv, one: (input, env) => (isTruthy(co(input, env)) ? to(input, env) : eo(input, env)) };
    return { ev: (input, env, k) => (isTruthy(co(input, env)) ? then : els).ev(input, env, k), pv };
  }
  return { ev: (input, env, k) => cond.ev(input, env, (c) => (isTruthy(c) ? then : els).ev(input, env, k)), pv };
}


export function compileLabel(body: Code): Code {
  return {
    ev: (input, env, k) => {
      const token = {};
      try {
        body.ev(input, { up: env, v: token }, k);
      } catch (e) {
        if (!(e instanceof BreakSignal && e.label === token)) throw e;
      }
    },
    pv: (input, path, env, k) => {
      const token = {};
      try {
        body.pv(input, path, { up: env, v: token }, k);
      } catch (e) {
        if (!(e instanceof BreakSignal && e.label === token)) throw e;
      }
    },
  };
}
