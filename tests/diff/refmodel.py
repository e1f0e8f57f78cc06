# A model of hermes-router 0.7.4's score_prompt() written from router-core.md
# section 2 with Python's re (the reference's own regex engine).
import re, math
I = re.IGNORECASE
def W(*alts): return r'\b(?:' + '|'.join(alts) + r')\b'
RX = {
 'simple_transform': re.compile(W('rewrite','rephrase','format','extract','clean up','copyedit','proofread','make this clearer','make it clearer', r'fix (?:a |the )?typos?'), I),
 'coding_intent': re.compile(W('code','coding','repo','repository','implement','implementation','pytest','ruff','unit test','tests?','debug','bug','fix the repo','edit .*file','pull request','pr','refactor','lint','build','compile','traceback','stack trace','exception','codebase','python','javascript','typescript','api endpoint','dependency','import') + r'|(?:write|create|implement|debug|refactor|fix) (?:a |an |the )?\b(?:function|class|module|script)\b', I),
 'research_intent': re.compile(W('research','look up','search','browse','cite','citation','sources?','trends?','find online','internet','web'), I),
 'current_info_intent': re.compile(W('current','latest','recent','today','yesterday','now','news','202[0-9]','up-to-date','fresh'), I),
 'freshness_object': re.compile(W('releases?','versions?','changelog','pricing','prices?','weather','stocks?','model releases?','model versions?','benchmarks?'), I),
 'multi_step_reasoning': re.compile(W('architecture','architect','design','plan','multi-step','strategy','roadmap','trade-?offs?','edge cases?','data flow','rollout','migration','system'), I),
 'architecture': re.compile(W('distributed','architecture','scalab','concurren','consensus','throughput','backpressure','exactly-once'), I),
 'file_intent': re.compile(W('file','files','folder','directory','write','edit','create','patch'), I),
 'email_intent': re.compile(W('emails','mail','inbox'), I),
 'calendar_intent': re.compile(W('calendar','invite','appointment','schedule','reschedule'), I),
 'shell_intent': re.compile(W('shell','terminal','command','execute','run tests?','pytest','ruff','npm','git'), I),
 'github_intent': re.compile(W('github','pull request','pr','issue','branch','commit','merge','git'), I),
 'image_generation_intent': re.compile(r'\b(?:generate|create|make|draw|render|produce|design)\b(?:\s+\w+){0,2}\s+(?:image|picture|photo|illustration|logo|icon|wallpaper|poster)s?\b|\bstable diffusion\b', I),
 'vision_intent': re.compile(W('image','picture','photo','screenshot','screen shot','chart','diagram','graph','ocr','vision','visual','scan','extract text from','describe .*image','look at .*screenshot'), I),
 'tool_intent': re.compile(W('run','execute','open','browse','search','send','schedule','download','upload','install','call','use tool','github','calendar'), I),
 'legal_domain': re.compile(W('legal','lawyer','lawsuit','contract','settlement','liability','compliance','regulation','regulations'), I),
 'medical_domain': re.compile(W('medical','doctor','diagnosis','diagnose','treatment','symptom','prescription','clinical','health','patient'), I),
 'financial_domain': re.compile(W('financial','finance','tax','taxes','investment','invest','liability','loan','insurance','bank','trading','stock','portfolio','payment','invoice','refund'), I),
 'production': re.compile(W('production','prod','customer data','live system','main branch'), I),
 'security': re.compile(W('exploit','malware','xss','csrf','breach','vulnerabilit','sql injection'), I),
 'pii': re.compile(W('ssns?','passports?','passwords?','secrets?','social security','credit cards?','api keys?','private keys?'), I),
 'destructive_action': re.compile(W('delete','remove','wipe','destroy','drop','erase','cancel','terminate','purge','truncate','shutdown','uninstall','revoke'), I),
 'send_action': re.compile(r'\b(?:send|post|publish|submit|reply)\b|\b(?:message|email)\s+(?!format|marketing|draft|summary|template|copy|ideas|address|board|body|subject|header|content|notification|settings|preferences)\w+', I),
 'purchase_action': re.compile(r'\b(?:buy|purchase|pay|transfer|wire|subscribe)\b|\bbook\s+(?:(?:a|an|the|my|our)\s+)?(?:flight|hotel|room|ticket|appointment|reservation|meeting|call|table|ride|trip)\b', I),
 'high_impact_external_action': re.compile(r'\b(?:schedule|reschedule|invite|deploy|merge|commit|push)\b|\bapply\s+for\b', I),
 'structured_output': re.compile(W('json','yaml','csv','table','schema','structured','bullets?','checklist'), I),
 'mechanical_work_intent': re.compile(W('mechanical','bulk','codemod','rename','replace','deprecated','deprecation','modernize','migrate','migration','update imports?','upgrade imports?','format','lint') + r'|(?:across|throughout|all|many|multiple) (?:the )?\b(?:repo|repository|codebase|files?|modules?|packages?|services?)\b', I),
 'judgment_heavy_intent': re.compile(W('judgment','judgement','subtle','product','ui','ux','user experience','architecture','architectural','design','tradeoffs?','trade-offs?','strategy','plan','edge cases?','ambiguous','intent','final review','review'), I),
 'verification_intent': re.compile(W('verify','verification','test suite','full tests?','e2e','end-to-end','playwright','cypress','selenium','pytest','unit tests?','integration tests?','make test','ci','benchmark','regression'), I),
 'repo_wide_intent': re.compile(W('repo','repository','codebase','monorepo','repo-wide','repository-wide','project-wide') + r'|(?:across|throughout|all|many|multiple) (?:the )?\b(?:files?|modules?|packages?|services?|codebase|repository|repo)\b', I),
}
AMBIG = re.compile(W('handle','help','fix','manage','do','deal with','this','that','it'), I)
CLEAR = re.compile(W('summarize','summarise','explain'), I)
EMAIL_MENTION = re.compile(W('email','message','mail','inbox'), I)
ORDER_NP = re.compile(r'\b(?:in|alphabetical|chronological|numerical|numeric|reverse|ascending|descending|sort|sorted|sorting|random|word|priority|of|that)\s+order\b|\border\s+(?:of|to|by|in)\b', I)
WC = {'medium_prompt':10,'long_prompt':20,'very_long_prompt':25,'coding_intent':30,'research_intent':20,'current_info_intent':20,'multi_step_reasoning':25,'architecture':25,'tool_intent':12,'structured_output':10,'ambiguous':15,'long_context':35,'sensitive_domain':8,'vision_intent':20,'image_generation_intent':22}
WR = {'destructive_action':100,'send_action':80,'purchase_action':80,'external_action':50,'file_shell_github':30,'sensitive_domain':25,'legal_domain':8,'medical_domain':8,'financial_domain':8,'ambiguous_high_impact':25,'production':20,'security':15,'pii':20}
def S(t, k=50): return 0 if t <= 0 else round(t/(t+k)*100)
def score(prompt):
    text = prompt or ''
    n = ' '.join(text.lower().split())
    L = len(text); tok = math.ceil(L/4) if L else 0
    f = {k: bool(r.search(n)) for k, r in RX.items()}
    if re.search(r'\border\b', n, I) and not ORDER_NP.search(n): f['purchase_action'] = True
    f['sensitive_domain'] = f['legal_domain'] or f['medical_domain'] or f['financial_domain']
    ext = f['destructive_action'] or f['send_action'] or f['purchase_action'] or f['high_impact_external_action']
    f['external_action'] = ext
    if f['send_action'] and EMAIL_MENTION.search(n): f['email_intent'] = True
    wc = len(re.findall(r'\b\w+\b', n))
    f['ambiguous'] = (not f['simple_transform']) and (not CLEAR.search(n)) and wc <= 4 and bool(AMBIG.search(n))
    f['long_context'] = tok >= 1000 or L >= 4000
    f['requires_freshness'] = f['current_info_intent'] and (f['research_intent'] or f['freshness_object'])
    f['requires_code_execution'] = f['coding_intent'] and (f['shell_intent'] or f['file_intent'])
    f['requires_vision'] = f['vision_intent'] and not f['image_generation_intent']
    f['requires_image_generation'] = f['image_generation_intent']
    f['requires_tools'] = any(f[k] for k in ('tool_intent','file_intent','email_intent','calendar_intent','shell_intent','github_intent','send_action','purchase_action','requires_freshness','requires_code_execution','requires_vision','requires_image_generation'))
    c = 0
    if tok > 200: c += WC['medium_prompt']
    if tok > 800: c += WC['long_prompt']
    if tok > 1600: c += WC['very_long_prompt']
    if f['coding_intent']: c += WC['coding_intent']
    if f['research_intent'] or f['current_info_intent']: c += WC['current_info_intent' if f['current_info_intent'] else 'research_intent']
    for k in ('multi_step_reasoning','architecture'):
        if f[k]: c += WC[k]
    if f['requires_tools']: c += WC['tool_intent']
    if f['structured_output']: c += WC['structured_output']
    if f['ambiguous']: c += WC['ambiguous']
    if f['long_context']: c += WC['long_context']
    if f['sensitive_domain']: c += WC['sensitive_domain']
    if f['requires_vision']: c += WC['vision_intent']
    if f['requires_image_generation']: c += WC['image_generation_intent']
    r = 0
    d, s_, p_, h = f['destructive_action'], f['send_action'], f['purchase_action'], f['high_impact_external_action']
    if d: r += WR['destructive_action']
    if s_: r += WR['send_action']
    if p_: r += WR['purchase_action']
    if ext and not (d or s_ or p_): r += WR['external_action']
    if f['file_intent'] or f['shell_intent'] or f['github_intent']: r += WR['file_shell_github']
    if f['sensitive_domain']: r += WR['sensitive_domain']
    for k in ('legal_domain','medical_domain','financial_domain','production','security','pii'):
        if f[k]: r += WR[k]
    if f['ambiguous'] and (f['sensitive_domain'] or ext): r += WR['ambiguous_high_impact']
    cx = min(100, 10 + S(c)); rk = S(r)
    if d: rk = max(rk, 70)
    if h: rk = max(rk, 70)
    if s_ or p_: rk = max(rk, 60)
    f['requires_confirmation'] = rk >= 70 or d or s_ or p_ or h
    conf = 90
    if f['ambiguous']: conf -= 25
    if f['requires_confirmation'] and L < 80: conf -= 15
    if not any(f[k] for k in ('simple_transform','coding_intent','research_intent','multi_step_reasoning','requires_tools','requires_vision','requires_image_generation','sensitive_domain','external_action','structured_output')): conf -= 10
    if L == 0: conf -= 40
    conf = max(0, min(100, conf))
    internal = ('architecture','freshness_object','production','security','pii')
    flags = sorted(k for k, v in f.items() if v and k not in internal)
    return cx, rk, conf, flags
