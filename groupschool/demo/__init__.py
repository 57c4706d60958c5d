"""Demo and benchmark data, deterministic from a seed (`manage.py generate_demo`).

- `people`: synthetic peer schools, their campuses and staff, enrollment, rotations... on top of
  the plan's data (`demo_data_generate`);
- `story`: the records that tell the plan's story on the plan's own group, so that every page of
  every demo role has content: assessments, funds, responsibilities, the plan's sub-tasks and
  reports, meetings, visits, documents, rotations, assets (`demo_story_generate`);
- `workload`: the assessment benchmark's workload (`assessment_workload_generate`).
"""
